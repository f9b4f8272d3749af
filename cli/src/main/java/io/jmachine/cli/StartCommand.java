package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;

/** `jmachine start NAME…`: Start machines. Several machines go in parallel. */
@Command(name = "start", description = "Start machines.")
final class StartCommand extends LifecycleVerb {

    @Override
    void apply(Machines machines, Machine machine) {
        machines.start(machine);
    }

    @Override
    String done() {
        return "started";
    }
}
