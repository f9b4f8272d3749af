package io.jmachine.cli;

import io.jmachine.drivers.MachineState;
import io.jmachine.provisioner.MachineStatus;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** `jmachine active`: the running machine whose engine URL is $DOCKER_HOST. */
@Command(name = "active", description = "Print the machine that DOCKER_HOST points at.")
final class ActiveCommand implements Runnable {

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "10", description = "How long to wait for each machine (default: 10).")
    int timeoutSeconds;

    @Override
    public void run() {
        String dockerHost = root.environment().getOrDefault("DOCKER_HOST", "");
        if (dockerHost.isBlank()) {
            throw new IllegalStateException("no active machine: DOCKER_HOST is not set (eval $(jmachine env NAME) sets it)");
        }
        Machines machines = root.machines();
        for (String name : machines.names()) {
            MachineStatus status = machines.status(name, Duration.ofSeconds(timeoutSeconds));
            if (status.url().equals(dockerHost) && status.state() == MachineState.RUNNING) {
                spec.commandLine().getOut().println(name);
                spec.commandLine().getOut().flush();
                return;
            }
        }
        throw new IllegalStateException("no active machine: no running machine has the URL " + dockerHost);
    }
}
