package io.jmachine.provisioner;

import io.jmachine.drivers.Driver;
import io.jmachine.drivers.MachineState;
import io.jmachine.provisioner.engine.EngineClient;

import java.io.IOException;
import java.time.Duration;
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

    /** Never throws: the error goes into the status. */
    static MachineStatus of(String name, Function<String, Machine> loader, Engines engines, Duration timeout) {
        Machine machine;
        try {
            machine = loader.apply(name);
        } catch (RuntimeException e) {
            return new MachineStatus(name, "", MachineState.ERROR, "", "", e.getMessage());
        }
        Driver driver = machine.driver();
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
            String version = engines.of(machine).version(timeout);
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
