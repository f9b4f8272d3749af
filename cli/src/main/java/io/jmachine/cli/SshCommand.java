package io.jmachine.cli;

import io.jmachine.drivers.SshEndpoint;
import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.SshClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `jmachine ssh NAME [COMMAND…]`: a shell or a command on the machine's host, with its exit status. OpenSSH's
 * ssh runs it where there is one (a terminal, agent forwarding…), checking the host key pinned in the machine's
 * known_hosts; without it the built-in client runs the command.
 */
@Command(name = "ssh", description = "Log in to a machine, or run a command on it.")
final class SshCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The machine.")
    String name;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command to run (a shell when none).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Machine machine = root.machines().load(name);
        SshEndpoint endpoint = machine.driver().ssh().orElseThrow(() -> new IllegalStateException(
                "machine " + name + " (driver " + machine.driver().name() + ") has no host to log in to"));
        Path ssh = findOnPath("ssh");
        if (ssh != null) {
            return openSsh(ssh, endpoint, machine).inheritIO().start().waitFor();
        }
        if (command.isEmpty()) {
            throw new IllegalStateException("an interactive login needs OpenSSH's ssh on PATH; give a command to run instead");
        }
        try (SshClient client = root.machines().ssh(machine)) {
            CommandResult result = client.run(String.join(" ", command), Duration.ofHours(24));
            spec.commandLine().getOut().print(result.stdout());
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().print(result.stderr());
            spec.commandLine().getErr().flush();
            return result.exitCode();
        }
    }

    /** ssh with the machine's key and pinned host keys; a host not yet pinned is accepted and pinned. */
    private ProcessBuilder openSsh(Path ssh, SshEndpoint endpoint, Machine machine) {
        List<String> args = new ArrayList<>(List.of(ssh.toString(), "-F", "/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + machine.context().knownHosts(),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
                "-i", endpoint.privateKey().toString(), "-p", Integer.toString(endpoint.port())));
        if (command.isEmpty() || System.console() != null) {
            args.add("-t");
        }
        args.add(endpoint.user() + "@" + endpoint.host());
        args.addAll(command);
        return new ProcessBuilder(args);
    }

    static Path findOnPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
