package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;

/** `jmachine restart NAME…`: Restart machines. Several machines go in parallel. */
@Command(name = "restart", description = "Restart machines.")
final class RestartCommand extends LifecycleVerb {

    @Override
    void apply(Machines machines, Machine machine) {
        machines.restart(machine);
    }

    @Override
    String done() {
        return "restarted";
    }
}
