package io.jmachine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.cli.format.GoTemplate;
import io.jmachine.cli.format.TableWriter;
import io.jmachine.drivers.MachineState;
import io.jmachine.provisioner.MachineStatus;
import io.jmachine.provisioner.Machines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * `jmachine ls`: the machines with their state, asked in parallel within a timeout. ACTIVE marks the machine the docker
 * CLI talks to, as `jmachine active` finds it: DOCKER_HOST's, else the current docker context's.
 */
@Command(name = "ls", description = "List machines.")
final class LsCommand implements Runnable {

    static final String DEFAULT_FORMAT = "table {{.Name}}\t{{.Active}}\t{{.DriverName}}\t{{.State}}\t{{.URL}}\t{{.Engine}}\t{{.Error}}";
    static final Map<String, String> HEADERS = Map.of("Name", "NAME", "Active", "ACTIVE", "ActiveHost", "ACTIVE",
            "DriverName", "DRIVER", "State", "STATE", "URL", "URL", "Engine", "ENGINE", "DockerVersion", "ENGINE",
            "Error", "ERRORS", "ResponseTime", "RESPONSE");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What makes a machine the active one: its URL is DOCKER_HOST, or, with no DOCKER_HOST, it is the current context. */
    record Active(String dockerHost, String contextMachine) {

        boolean is(MachineStatus status) {
            if (status.state() != MachineState.RUNNING) {
                return false;
            }
            return dockerHost.isBlank() ? status.name().equals(contextMachine) : status.url().equals(dockerHost);
        }
    }

    @ParentCommand
    JMachine root;

    @Spec
    CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "Print the names only.")
    boolean quiet;

    @Option(names = "--filter", paramLabel = "KEY=VALUE", description = "driver=, state=, name= (a regular expression) or label=; "
            + "repeat a key to accept either value.")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE", description = "A Go template ({{.Name}}, {{.State}}…); "
            + "a 'table ' prefix prints headers; 'json' prints a JSON array of objects with those fields.")
    String format;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "10", description = "How long to wait for each machine (default: 10).")
    int timeoutSeconds;

    @Override
    public void run() {
        MachineFilter filter;
        try {
            filter = MachineFilter.parse(filters);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Machines machines = root.machines();
        List<ObjectNode> rows = rows(machines, filter);
        PrintWriter out = spec.commandLine().getOut();
        if (quiet) {
            rows.forEach(row -> out.println(row.get("Name").asText()));
        } else if ("json".equals(format)) {
            // one array, for scripts: `jmachine ls --format json | jq '.[].Name'`
            out.println(JSON.valueToTree(rows).toString());
        } else {
            print(out, format == null ? DEFAULT_FORMAT : format, rows);
        }
        out.flush();
    }

    static void print(PrintWriter out, String format, List<ObjectNode> rows) {
        boolean table = format.startsWith("table");
        String body = table ? format.substring("table".length()).stripLeading() : format;
        // as the docker CLI: a literal \t or \n in the format means a tab or a newline
        GoTemplate template = GoTemplate.parse(body.replace("\\t", "\t").replace("\\n", "\n"));
        List<String> lines = new ArrayList<>();
        if (table) {
            lines.add(template.renderHeader(HEADERS));
        }
        rows.forEach(row -> lines.add(template.render(row)));
        TableWriter.align(lines).forEach(out::println);
    }

    private List<ObjectNode> rows(Machines machines, MachineFilter filter) {
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        List<String> names = machines.names();
        if (!names.isEmpty()) {
            machines.prepareEngineTls(); // while the configs are read
        }
        Active active = active(machines);
        List<Future<ObjectNode>> futures = new ArrayList<>();
        try (ExecutorService executor = MachineThreads.perMachine()) {
            for (String name : names) {
                futures.add(executor.submit(() -> row(machines, name, timeout, active)));
            }
            List<ObjectNode> rows = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                ObjectNode row;
                try {
                    row = futures.get(i).get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    futures.get(i).cancel(true);
                    row = row(new MachineStatus(names.get(i), "", MachineState.TIMEOUT, "", "",
                            "no answer within " + timeout.toSeconds() + " s"), List.of(), active, timeout);
                } catch (Exception e) {
                    row = row(new MachineStatus(names.get(i), "", MachineState.ERROR, "", "", String.valueOf(e.getMessage())),
                            List.of(), active, timeout);
                }
                if (filter.accepts(row)) {
                    rows.add(row);
                }
            }
            executor.shutdownNow();
            return rows;
        }
    }

    private Active active(Machines machines) {
        String dockerHost = root.environment().getOrDefault("DOCKER_HOST", "");
        if (!dockerHost.isBlank()) {
            return new Active(dockerHost, "");
        }
        try {
            return new Active("", machines.contexts().currentMachine(root.environment()).orElse(""));
        } catch (RuntimeException e) {
            // a docker config that cannot be read marks no machine; `jmachine active` says why
            return new Active("", "");
        }
    }

    private static ObjectNode row(Machines machines, String name, Duration timeout, Active active) {
        long started = System.nanoTime();
        // the labels come from the config the status read; a machine whose config cannot be read has none, and its error
        AtomicReference<List<String>> labels = new AtomicReference<>(List.of());
        MachineStatus status = machines.status(name, timeout, config -> {
            try {
                labels.set(config.hostOptions().engineOptions().labels());
            } catch (RuntimeException e) {
                // a config without engine options: no labels, the status as it is
            }
        });
        return row(status, labels.get(), active, Duration.ofNanos(System.nanoTime() - started));
    }

    /** The fields `ls --format` offers, with Docker Machine's names. */
    static ObjectNode row(MachineStatus status, List<String> labels, Active activeMachine, Duration responseTime) {
        boolean active = !status.url().isEmpty() && activeMachine.is(status);
        ObjectNode row = JSON.createObjectNode();
        row.put("Name", status.name());
        row.put("Active", active ? "*" : "-");
        row.put("ActiveHost", active);
        row.put("DriverName", status.driverName());
        row.put("State", status.state().display());
        row.put("URL", status.url());
        row.put("Engine", status.engineVersion().isEmpty() ? "Unknown" : "v" + status.engineVersion());
        row.put("DockerVersion", status.engineVersion());
        row.put("Error", status.error());
        row.put("ResponseTime", responseTime.toMillis() + "ms");
        row.set("EngineLabels", JSON.valueToTree(labels));
        return row;
    }
}
