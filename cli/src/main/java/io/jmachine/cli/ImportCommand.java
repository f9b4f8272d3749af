package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.transfer.MachineTransfer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `jmachine import FILE [--name NEW]`: a machine from an `export` archive, checked before anything is written. */
@Command(name = "import", description = {"Add a machine from an archive `jmachine export` wrote. The archive is checked first (plain "
        + "files only: no ../, no links, sizes within the room there is); a machine of the same name here is never replaced. "
        + "A kvm machine's domain is defined on this host's libvirt, stopped: `jmachine start NAME`."})
final class ImportCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = "--name", paramLabel = "NEW", description = "Import under this name (default: the name it had).")
    String name;

    @Parameters(paramLabel = "FILE", description = "The archive.")
    Path archive;

    @Override
    public Integer call() throws Exception {
        Machine machine = new MachineTransfer(root.machines()).importArchive(archive, name, root.progress(name != null ? name : "import"));
        spec.commandLine().getOut().println("Imported " + machine.name() + "; start it with: jmachine start " + machine.name());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
