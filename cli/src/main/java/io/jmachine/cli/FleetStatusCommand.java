package io.jmachine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.cli.fleet.FleetFile;
import io.jmachine.cli.fleet.FleetPlanner;
import io.jmachine.provisioner.MachineStatus;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** `jmachine fleet status [--format json] -f FILE`: each of the fleet's machines with its state and what plan says of it. */
@Command(name = "status", description = "The fleet's machines: state, URL, and what apply would do to each.")
final class FleetStatusCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    FleetCommand fleet;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The fleet file (YAML).")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", description = "'json' prints a JSON array (Name, Plan, DriverName, State, URL, Error).")
    String format;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "10", description = "How long to wait for each machine (default: 10).")
    int timeoutSeconds;

    @Override
    public void run() {
        FleetFile parsed = FleetMachines.read(fleet.root, file, spec.commandLine());
        FleetMachines store = new FleetMachines(fleet.root);
        FleetPlanner.Plan plan = FleetPlanner.plan(parsed, store, false);
        ArrayNode rows = JSON.createArrayNode();
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        List<Future<ObjectNode>> futures = new ArrayList<>();
        try (ExecutorService executor = MachineThreads.perMachine()) {
            for (FleetPlanner.Step step : plan.steps()) {
                futures.add(executor.submit(() -> row(store.machines(), step, timeout)));
            }
            for (Future<ObjectNode> future : futures) {
                rows.add(future.get());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the fleet's machines: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if ("json".equals(format)) {
            out.println(rows.toPrettyString());
        } else {
            List<String> lines = new ArrayList<>();
            lines.add("NAME\tPLAN\tDRIVER\tSTATE\tURL\tERRORS");
            rows.forEach(r -> lines.add(String.join("\t", r.path("Name").asText(), r.path("Plan").asText(), r.path("DriverName").asText(),
                    r.path("State").asText(), r.path("URL").asText(), r.path("Error").asText())));
            io.jmachine.cli.format.TableWriter.align(lines).forEach(out::println);
        }
        out.flush();
    }

    private static ObjectNode row(Machines machines, FleetPlanner.Step step, Duration timeout) {
        ObjectNode row = JSON.createObjectNode();
        row.put("Name", step.machine());
        row.put("Plan", step.action().word());
        if (step.action() == FleetPlanner.Action.CREATE) {
            row.put("DriverName", step.desired().driver());
            row.put("State", "Missing");
            row.put("URL", "");
            row.put("Error", "");
            return row;
        }
        MachineStatus status = machines.status(step.machine(), timeout);
        row.put("DriverName", status.driverName());
        row.put("State", status.state().display());
        row.put("URL", status.url());
        row.put("Error", status.error());
        return row;
    }
}
