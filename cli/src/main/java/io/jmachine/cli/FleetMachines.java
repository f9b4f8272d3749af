package io.jmachine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.cli.fleet.FleetFile;
import io.jmachine.cli.fleet.FleetFileException;
import io.jmachine.cli.fleet.FleetFileParser;
import io.jmachine.cli.fleet.FleetMachine;
import io.jmachine.cli.fleet.FleetPlanner;
import io.jmachine.cli.fleet.FleetRequests;
import io.jmachine.provisioner.Machines;
import io.jmachine.provisioner.store.MachineConfig;
import io.jmachine.provisioner.store.MachineStore;
import io.jmachine.provisioner.store.AtomicFiles;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fleet verbs' view of the store: machines with their labels and what a fleet made them from (fleet.json beside
 * machine.json), and the create of one fleet machine.
 */
final class FleetMachines implements FleetPlanner.Store {

    /** What a fleet apply made the machine from, written once its create succeeded. */
    static final String RECORD_FILE = "fleet.json";

    private final JMachine root;
    private final Machines machines;

    FleetMachines(JMachine root) {
        this.root = root;
        this.machines = root.machines();
    }

    Machines machines() {
        return machines;
    }

    /** The file, checked whole; a bad one is a usage error (exit 2) that says where and what. */
    static FleetFile read(JMachine root, Path file, CommandLine commandLine) {
        try {
            return new FleetFileParser(root.drivers()).parse(file);
        } catch (FleetFileException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }

    @Override
    public List<FleetPlanner.Stored> stored() {
        List<FleetPlanner.Stored> stored = new ArrayList<>();
        MachineStore store = machines.store();
        for (String name : store.names()) {
            List<String> labels;
            try {
                MachineConfig config = store.load(name);
                labels = config.hostOptions().engineOptions().labels();
            } catch (RuntimeException e) {
                // a machine that cannot be read belongs to no fleet: a fleet never touches it
                labels = List.of();
            }
            stored.add(new FleetPlanner.Stored(name, labels, record(name)));
        }
        return stored;
    }

    private Optional<JsonNode> record(String name) {
        Path file = machines.store().machineDir(name).resolve(RECORD_FILE);
        try {
            return Files.isRegularFile(file) ? Optional.of(MachineStore.JSON.readTree(file.toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Makes the store's CA once, before creates run in parallel (each would otherwise try to make it). */
    void prepare() throws IOException {
        if (machines.certificateAuthority().bootstrap()) {
            root.output().line("jmachine: made the CA and client certificate in " + machines.certificateAuthority().caCert().getParent());
        }
    }

    /** Creates the machine as `create` would, labelled with its fleet, and records what it was made from. */
    void create(FleetFile fleet, FleetMachine machine) throws IOException {
        String bundle = machine.string("engine-bundle");
        Machines.CreateRequest request = new Machines.CreateRequest(machine.name(), machine.driver(), machine.driverFlags(),
                FleetRequests.engineOptions(machine, fleet.label()), EngineBundle.locate(bundle == null ? null : Path.of(bundle),
                root.environment()));
        machines.create(request, root.progress(machine.name()));
        AtomicFiles.write(machines.store().machineDir(machine.name()).resolve(RECORD_FILE),
                MachineStore.JSON.writeValueAsBytes(machine.spec()), AtomicFiles.READABLE);
    }
}
