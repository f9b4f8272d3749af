package io.jmachine.cli.fleet;

import io.jmachine.provisioner.store.EngineOptions;

import java.util.ArrayList;
import java.util.List;

/** A fleet machine's options as `create` takes them: the engine's, with the fleet's label added. */
public final class FleetRequests {

    private FleetRequests() {
    }

    /** @param fleetLabel {@code jmachine.fleet=NAME}, or "" for none */
    public static EngineOptions engineOptions(FleetMachine machine, String fleetLabel) {
        List<String> labels = new ArrayList<>(machine.strings("engine-label"));
        if (!fleetLabel.isEmpty()) {
            labels.add(fleetLabel);
        }
        return new EngineOptions(machine.strings("engine-opt"), machine.strings("engine-env"), machine.strings("engine-insecure-registry"),
                labels, machine.strings("engine-registry-mirror"), true, machine.string("engine-install-dir"),
                machine.string("engine-config-dir"));
    }
}
