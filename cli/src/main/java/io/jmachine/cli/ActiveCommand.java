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
import java.util.Optional;

/**
 * `jmachine active`: the running machine the docker CLI talks to: the one whose engine URL is $DOCKER_HOST, else the
 * one whose context is docker's current context ($DOCKER_CONTEXT, else `jmachine use`'s), as the docker CLI picks.
 */
@Command(name = "active", description = "Print the machine the docker CLI talks to: DOCKER_HOST's, else the current docker context's.")
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
        Machines machines = root.machines();
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        if (dockerHost.isBlank()) {
            Optional<String> current = machines.contexts().currentMachine(root.environment());
            if (current.isEmpty()) {
                throw new IllegalStateException("no active machine: DOCKER_HOST is not set and docker's current context is none of "
                        + "jmachine's (jmachine use NAME, or eval $(jmachine env NAME))");
            }
            MachineStatus status = machines.status(current.get(), timeout);
            if (status.state() != MachineState.RUNNING) {
                throw new IllegalStateException("no active machine: docker's current context is machine " + current.get() + ", which is "
                        + status.state().display() + (status.error().isEmpty() ? "" : " (" + status.error() + ")"));
            }
            print(current.get());
            return;
        }
        for (String name : machines.names()) {
            MachineStatus status = machines.status(name, timeout);
            if (status.url().equals(dockerHost) && status.state() == MachineState.RUNNING) {
                print(name);
                return;
            }
        }
        throw new IllegalStateException("no active machine: no running machine has the URL " + dockerHost);
    }

    private void print(String name) {
        spec.commandLine().getOut().println(name);
        spec.commandLine().getOut().flush();
    }
}
