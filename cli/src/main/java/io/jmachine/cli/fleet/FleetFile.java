package io.jmachine.cli.fleet;

import java.util.List;

/**
 * A fleet file, checked: every machine it names, with its driver and options.
 *
 * @param name     the fleet: its machines carry the engine label {@code jmachine.fleet=NAME}
 * @param machines in the file's order, each once
 */
public record FleetFile(String name, List<FleetMachine> machines) {

    public static final String LABEL_KEY = "jmachine.fleet";

    public FleetFile {
        machines = List.copyOf(machines);
    }

    /** The engine label that marks this fleet's machines. */
    public String label() {
        return LABEL_KEY + "=" + name;
    }
}
