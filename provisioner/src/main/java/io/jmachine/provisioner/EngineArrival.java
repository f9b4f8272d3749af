package io.jmachine.provisioner;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.engine.EngineClient;
import io.jmachine.provisioner.engine.EngineWait;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The wait of start and restart for a host's engine; when it does not answer in time, it says which phase hung: the
 * boot (no SSH either: the console log tells why) or the engine (SSH works: its output tells why).
 */
final class EngineArrival {

    /** A boot under TCG on a busy host, then the engine's start. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** What the wait needs of the machines it waits for. */
    interface Hosts {
        EngineClient engine(Machine machine) throws IOException;

        /** The engine's last output lines, read over SSH (which throws when SSH does not answer). */
        String engineLogTail(Machine machine);
    }

    private final Hosts hosts;

    EngineArrival(Hosts hosts) {
        this.hosts = hosts;
    }

    /** @param started when the verb started (System.nanoTime()), for the phase line */
    void await(Machine machine, Progress progress, long started) throws IOException {
        if (!machine.driver().hasHost()) {
            return;
        }
        Optional<String> failure;
        try {
            failure = EngineWait.await(hosts.engine(machine), TIMEOUT, () -> false, progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted while waiting for the engine of " + machine.name());
        }
        if (failure.isEmpty()) {
            progress.report("engine answering over TLS at " + machine.driver().engineUrl() + " " + Machines.since(started));
            return;
        }
        throw new DriverException(whyNoEngine(machine, failure.get()));
    }

    private String whyNoEngine(Machine machine, String lastAttempt) {
        String name = machine.name();
        String waited = "within " + TIMEOUT.toMinutes() + " min";
        MachineState state = machine.driver().state();
        if (state != MachineState.RUNNING) {
            return name + " is " + state.display() + " instead of running: it stopped while it started; "
                    + consoleHint(machine) + "try `jmachine start " + name + "` again";
        }
        try {
            String tail = hosts.engineLogTail(machine).strip();
            return name + " booted, but its engine did not answer over TLS " + waited + " (last attempt: " + lastAttempt + "); "
                    + "the engine's last output:\n" + tail + "\nlook further with `jmachine ssh " + name
                    + " sudo journalctl -u jmachine-engine`, or reinstall it with `jmachine provision " + name + "`";
        } catch (RuntimeException sshFailed) {
            return name + " did not boot to SSH " + waited + " (SSH: " + sshFailed.getMessage() + "; engine: " + lastAttempt + "); "
                    + consoleHint(machine) + "try `jmachine restart " + name + "`";
        }
    }

    private static String consoleHint(Machine machine) {
        return machine.driver().consoleLog().map(log -> "its console log is " + log + "; ").orElse("");
    }
}
