package io.jmachine.cli;

import io.jmachine.drivers.MachineState;
import io.jmachine.provisioner.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** `jmachine url NAME`: the engine's URL, for DOCKER_HOST. */
@Command(name = "url", description = "Print the URL of a machine's engine.")
final class UrlCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", defaultValue = JMachine.DEFAULT_MACHINE, description = "The machine (default: default).")
    String name;

    @Override
    public void run() {
        Machine machine = root.machines().load(name);
        MachineState state = machine.driver().state();
        if (state != MachineState.RUNNING) {
            throw new IllegalStateException("machine " + name + " is " + state.display() + ": start it with `jmachine start " + name + "`");
        }
        spec.commandLine().getOut().println(machine.driver().engineUrl());
        spec.commandLine().getOut().flush();
    }
}
