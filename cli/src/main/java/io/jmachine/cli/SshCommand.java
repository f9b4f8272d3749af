package io.jmachine.cli;

import io.jmachine.drivers.SshEndpoint;
import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.ssh.CommandResult;
import io.jmachine.provisioner.ssh.SshClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
 * `jmachine ssh [-A] [-L SPEC] [-R SPEC] [-N] NAME [COMMAND…]`: a shell or a command on the machine's host, with its exit
 * status; -A forwards the SSH agent, -L and -R ports, as OpenSSH's own flags (also accepted right after NAME). OpenSSH's
 * ssh runs it where there is one (a terminal, agent forwarding…), checking the host key pinned in the machine's
 * known_hosts; without it the built-in client runs the command.
 */
@Command(name = "ssh", description = "Log in to a machine, or run a command on it.")
final class SshCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = "-A", description = "Forward your SSH agent to the machine (OpenSSH's ssh -A).")
    boolean forwardAgent;

    @Option(names = "-L", paramLabel = "[ADDR:]PORT:HOST:HOSTPORT", description = "A local port forwarded to the machine's side (ssh -L); repeatable.")
    List<String> localForwards = new ArrayList<>();

    @Option(names = "-R", paramLabel = "[ADDR:]PORT:HOST:HOSTPORT", description = "A port of the machine forwarded to this side (ssh -R); repeatable.")
    List<String> remoteForwards = new ArrayList<>();

    @Option(names = "-N", description = "Run no command: only the forwards (ssh -N).")
    boolean noCommand;

    @Parameters(index = "0", paramLabel = "NAME", description = "The machine.")
    String name;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "The command to run (a shell when none).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        takeSshOptionsAfterName();
        Machine machine = root.machines().load(name);
        SshEndpoint endpoint = machine.driver().ssh().orElseThrow(() -> new IllegalStateException(
                "machine " + name + " (driver " + machine.driver().name() + ") has no host to log in to"));
        Path ssh = findOnPath("ssh");
        if (ssh != null) {
            return openSsh(ssh, endpoint, machine).inheritIO().start().waitFor();
        }
        if (forwardAgent || noCommand || !localForwards.isEmpty() || !remoteForwards.isEmpty()) {
            throw new IllegalStateException("-A, -L, -R and -N need OpenSSH's ssh on PATH (apt-get install openssh-client)");
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
        return new ProcessBuilder(sshArgs(ssh, endpoint, machine.context().knownHosts()));
    }

    List<String> sshArgs(Path ssh, SshEndpoint endpoint, Path knownHosts) {
        List<String> args = new ArrayList<>(List.of(ssh.toString(), "-F", "/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR",
                "-i", endpoint.privateKey().toString(), "-p", Integer.toString(endpoint.port())));
        if (forwardAgent) {
            args.add("-A");
        }
        localForwards.forEach(spec -> args.addAll(List.of("-L", spec)));
        remoteForwards.forEach(spec -> args.addAll(List.of("-R", spec)));
        if (noCommand) {
            args.add("-N");
        } else if (command.isEmpty() || System.console() != null) {
            args.add("-t");
        }
        args.add(endpoint.user() + "@" + endpoint.host());
        args.addAll(command);
        return args;
    }

    /**
     * `jmachine ssh NAME -L 8080:localhost:80`: ssh's own options right after the name (where picocli stops parsing,
     * since the command's words are the machine's) are taken as if given before it.
     */
    void takeSshOptionsAfterName() {
        while (!command.isEmpty()) {
            String word = command.get(0);
            if (word.equals("-A")) {
                forwardAgent = true;
            } else if (word.equals("-N")) {
                noCommand = true;
            } else if ((word.equals("-L") || word.equals("-R")) && command.size() > 1) {
                (word.equals("-L") ? localForwards : remoteForwards).add(command.get(1));
                command.remove(0);
            } else if (word.startsWith("-L") && word.length() > 2) {
                localForwards.add(word.substring(2));
            } else if (word.startsWith("-R") && word.length() > 2) {
                remoteForwards.add(word.substring(2));
            } else {
                return;
            }
            command.remove(0);
        }
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
