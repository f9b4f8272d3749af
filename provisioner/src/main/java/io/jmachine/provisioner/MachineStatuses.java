package io.jmachine.provisioner;

import io.jmachine.drivers.Driver;
import io.jmachine.drivers.MachineState;
import io.jmachine.provisioner.engine.EngineClient;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/** What `ls` and `status` show of a machine: its state, URL and engine version, or the error that stood in the way. */
final class MachineStatuses {

    /** The engine client of a machine (over its TLS files). */
    @FunctionalInterface
    interface Engines {
        EngineClient of(Machine machine) throws IOException;
    }

    private MachineStatuses() {
    }

    /** The forwards that could not be set up (a host port taken), as the forward agent last recorded them. */
    static String forwardProblems(Driver driver) {
        return driver.portForwarding().map(f -> f.recorded().stream()
                        .map(io.jmachine.drivers.PortForwarding.Forward::error)
                        .filter(java.util.Objects::nonNull)
                        .collect(java.util.stream.Collectors.joining("; ")))
                .orElse("");
    }

    private static EngineClient engine(FutureTask<EngineClient> client) throws IOException, InterruptedException {
        try {
            return client.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Never throws: the error goes into the status. */
    static MachineStatus of(String name, Function<String, Machine> loader, Engines engines, Duration timeout) {
        Machine machine;
        try {
            machine = loader.apply(name);
        } catch (RuntimeException e) {
            return new MachineStatus(name, "", MachineState.ERROR, "", "", e.getMessage());
        }
        Driver driver = machine.driver();
        // the TLS set-up (keys and certificates read and parsed: ~80 ms of a cold CLI) goes on while the driver asks
        // for the state (libvirt's first call: ~150 ms); a machine that is not running leaves it unused
        FutureTask<EngineClient> client = new FutureTask<>(() -> engines.of(machine));
        Thread.ofPlatform().daemon().name("tls-" + name).start(client);
        MachineState state;
        try {
            state = driver.state();
        } catch (RuntimeException e) {
            return new MachineStatus(name, driver.name(), MachineState.ERROR, "", "", e.getMessage());
        }
        String url = "";
        try {
            url = driver.engineUrl().toString();
        } catch (RuntimeException e) {
            return new MachineStatus(name, driver.name(), state, "", "", e.getMessage());
        }
        if (state != MachineState.RUNNING) {
            return new MachineStatus(name, driver.name(), state, url, "", "");
        }
        try {
            String version = engine(client).version(timeout);
            return new MachineStatus(name, driver.name(), state, url, version, forwardProblems(driver));
        } catch (IOException e) {
            return new MachineStatus(name, driver.name(), state, url, "", "engine unreachable: " + (e.getMessage() != null ? e.getMessage() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new MachineStatus(name, driver.name(), state, url, "", "interrupted");
        } catch (RuntimeException e) {
            return new MachineStatus(name, driver.name(), state, url, "", e.getMessage());
        }
    }
}
