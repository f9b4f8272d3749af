package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;

/** `jmachine stop NAME…`: Stop machines (a clean shutdown). Several machines go in parallel. */
@Command(name = "stop", description = "Stop machines (a clean shutdown).")
final class StopCommand extends LifecycleVerb {

    @Override
    void apply(Machines machines, Machine machine) {
        machines.stop(machine, root.progress(machine.name()));
    }

    @Override
    String done() {
        return "stopped";
    }
}
