package io.jmachine.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** `jmachine status NAME`: Running, Stopped… as the driver sees the host. */
@Command(name = "status", description = "Print the state of a machine.")
final class StatusCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", defaultValue = JMachine.DEFAULT_MACHINE, description = "The machine (default: default).")
    String name;

    @Override
    public void run() {
        spec.commandLine().getOut().println(root.machines().load(name).driver().state().display());
        spec.commandLine().getOut().flush();
    }
}
