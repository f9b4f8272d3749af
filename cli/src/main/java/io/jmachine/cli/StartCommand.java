package io.jmachine.cli;

import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;

/** `jmachine start NAME…`: Start machines, returning once their engines answer. Several machines go in parallel. */
@Command(name = "start", description = "Start machines; returns once each engine answers over TLS (at most 5 min).")
final class StartCommand extends LifecycleVerb {

    @Option(names = "--no-wait", description = "Return once the host is starting, without waiting for its engine.")
    boolean noWait;

    @Override
    void apply(Machines machines, Machine machine) throws IOException {
        machines.start(machine, !noWait, root.progress(machine.name()));
        root.ensureForwardAgent(machine);
    }

    @Override
    String done() {
        return "started";
    }
}
