package io.jmachine.cli;

import io.jmachine.provisioner.transfer.MachineTransfer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `jmachine export [--disk] [-o FILE] NAME`: the machine as a tar that `import` takes on another store or host. */
@Command(name = "export", description = {"Write a machine to a tar: its config, certificates and keys; with --disk its disk as a "
        + "standalone qcow2 (stop the machine first). `jmachine import` takes it on another store or host."})
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = "--disk", description = "Add the host's disk, with its engine data (kvm; the machine must be stopped).")
    boolean disk;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the archive (default: NAME.tar here).")
    Path output;

    @Parameters(paramLabel = "NAME", description = "The machine.")
    String name;

    @Override
    public Integer call() throws Exception {
        Path target = (output != null ? output : Path.of(name + ".tar")).toAbsolutePath();
        new MachineTransfer(root.machines()).export(name, disk, target, root.progress(name));
        spec.commandLine().getOut().println(target);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
