package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import io.jmachine.provisioner.ssh.SshClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;

/** `jmachine scp [-r] [NAME:]FROM [NAME:]TO`: copies files between here and a machine, over SFTP. */
@Command(name = "scp", description = {"Copy files between this host and a machine.", "jmachine scp ./file dev1:/tmp/  |  jmachine scp -r dev1:/etc/x ./x"})
final class ScpCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-r", "--recursive"}, description = "Copy folders with what they hold.")
    boolean recursive;

    @Parameters(index = "0", paramLabel = "FROM")
    String from;

    @Parameters(index = "1", paramLabel = "TO")
    String to;

    /** A side of the copy: a machine's path, or a local path (machine is null). */
    record Location(String machine, String path) {
        static Location parse(String argument, Machines machines) {
            int colon = argument.indexOf(':');
            if (colon > 0) {
                String name = argument.substring(0, colon);
                if (name.matches("[a-zA-Z0-9][a-zA-Z0-9.-]*") && machines.store().exists(name)) {
                    String path = argument.substring(colon + 1);
                    return new Location(name, path.isEmpty() ? "." : path);
                }
            }
            return new Location(null, argument);
        }
    }

    @Override
    public void run() {
        Machines machines = root.machines();
        Location source = Location.parse(from, machines);
        Location target = Location.parse(to, machines);
        if ((source.machine() == null) == (target.machine() == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), source.machine() == null
                    ? "one side must be a machine's path, NAME:PATH (is the machine's name right?)"
                    : "copies between two machines are not supported; copy through this host");
        }
        Machine machine = machines.load(source.machine() != null ? source.machine() : target.machine());
        try (SshClient ssh = machines.ssh(machine)) {
            if (source.machine() == null) {
                upload(ssh, Path.of(source.path()), target.path());
            } else {
                download(ssh, source.path(), Path.of(target.path()));
            }
        }
    }

    private void upload(SshClient ssh, Path local, String remote) {
        if (Files.isDirectory(local)) {
            if (!recursive) {
                throw new IllegalArgumentException(local + " is a folder: copy it with -r");
            }
            ssh.uploadTree(local, ssh.isDirectory(remote) ? remote + "/" + local.getFileName() : remote);
        } else {
            ssh.upload(local, ssh.isDirectory(remote) ? remote + "/" + local.getFileName() : remote, line -> { });
        }
    }

    private void download(SshClient ssh, String remote, Path local) {
        String name = remote.substring(remote.replaceAll("/+$", "").lastIndexOf('/') + 1).replaceAll("/+$", "");
        Path destination = Files.isDirectory(local) ? local.resolve(name) : local;
        if (ssh.isDirectory(remote)) {
            if (!recursive) {
                throw new IllegalArgumentException(remote + " is a folder on the machine: copy it with -r");
            }
            ssh.downloadTree(remote, destination);
        } else {
            ssh.download(remote, destination);
        }
    }
}
