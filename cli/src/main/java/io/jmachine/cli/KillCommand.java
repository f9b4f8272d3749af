package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;

/** `jmachine kill NAME…`: Stop machines at once, without a clean shutdown. Several machines go in parallel. */
@Command(name = "kill", description = "Stop machines at once, without a clean shutdown.")
final class KillCommand extends LifecycleVerb {

    @Override
    void apply(Machines machines, Machine machine) {
        machines.kill(machine);
    }

    @Override
    String done() {
        return "killed";
    }
}
