package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;

import java.io.IOException;

/** `jmachine restart NAME…`: Restart machines. Several machines go in parallel. */
@Command(name = "restart", description = "Restart machines.")
final class RestartCommand extends LifecycleVerb {

    @Override
    void apply(Machines machines, Machine machine) throws IOException {
        machines.restart(machine, root.progress(machine.name()));
    }

    @Override
    String done() {
        return "restarted";
    }
}
