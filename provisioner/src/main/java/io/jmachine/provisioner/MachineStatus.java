package io.jmachine.provisioner;

import io.jmachine.drivers.MachineState;

/**
 * What `ls` shows of a machine.
 *
 * @param url           the engine URL, or "" when it cannot be known
 * @param engineVersion the engine's version when it answered, else ""
 * @param error         why the state or the engine could not be read, else ""
 */
public record MachineStatus(String name, String driverName, MachineState state, String url, String engineVersion, String error) {}
