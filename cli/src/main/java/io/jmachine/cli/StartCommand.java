package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;

import java.io.IOException;

/** `jmachine start NAME…`: Start machines. Several machines go in parallel. */
@Command(name = "start", description = "Start machines.")
final class StartCommand extends LifecycleVerb {

    @Override
    void apply(Machines machines, Machine machine) throws IOException {
        machines.start(machine, root.progress(machine.name()));
    }

    @Override
    String done() {
        return "started";
    }
}
