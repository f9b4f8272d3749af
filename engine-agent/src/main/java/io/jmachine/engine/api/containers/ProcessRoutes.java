package io.jmachine.engine.api.containers;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerProcesses;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** docker top and docker stats: the container's processes and its cgroup's usage. */
public final class ProcessRoutes {

    private final ContainerService service;
    private final Clock clock;

    public ProcessRoutes(ContainerService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    public void register(Router router) {
        router.get("/containers/{id}/top", this::top);
        router.get("/containers/{id}/stats", this::stats);
    }

    /** dockerd runs the host's ps with the client's arguments and keeps the rows of the container's pids. */
    private void top(ApiExchange ex) throws IOException, InterruptedException {
        ContainerRecord record = running(ex.request().pathParam("id"));
        Set<Integer> pids = new HashSet<>(service.pids(record.id()));
        String psArgs = ex.request().queryParam("ps_args");
        List<String> command = new ArrayList<>(List.of("ps"));
        command.addAll(Arrays.asList((psArgs == null || psArgs.isBlank() ? "-ef" : psArgs).trim().split("\\s+")));
        Process ps = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (ps.waitFor() != 0) {
            throw EngineException.invalid("ps " + String.join(" ", command.subList(1, command.size())) + " failed: " + out.strip());
        }
        String[] lines = out.split("\n");
        List<String> titles = Arrays.asList(lines[0].trim().split("\\s+"));
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw EngineException.invalid("Couldn't find PID field in ps output");
        }
        List<List<String>> processes = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+", titles.size());
            if (fields.length < titles.size()) {
                continue;
            }
            try {
                if (pids.contains(Integer.parseInt(fields[pidColumn]))) {
                    processes.add(Arrays.asList(fields));
                }
            } catch (NumberFormatException e) {
                // a header repeated by some ps formats
            }
        }
        ex.json(200, Map.of("Titles", titles, "Processes", processes));
    }

    private void stats(ApiExchange ex) throws IOException, InterruptedException {
        ContainerRecord record = service.inspect(ex.request().pathParam("id"));
        String streamParam = ex.request().queryParam("stream");
        boolean stream = streamParam == null || ex.request().queryFlag("stream");
        boolean oneShot = ex.request().queryFlag("one-shot");
        try (ResponseStream out = ex.startStream(200, "application/json")) {
            Map<String, Object> previous = sample(record, null);
            if (!stream) {
                if (!oneShot) {
                    Thread.sleep(500);
                    previous = sample(record, previous);
                }
                out.writeJsonLine(previous);
                return;
            }
            while (out.isOpen()) {
                out.writeJsonLine(previous);
                Thread.sleep(1000);
                ContainerRecord current = service.find(record.id()).orElse(null);
                if (current == null) {
                    return;
                }
                previous = sample(current, previous);
            }
        }
    }

    /** One stats document; the CLI computes CPU % from this sample and the previous one (precpu). */
    private Map<String, Object> sample(ContainerRecord record, Map<String, Object> previous) throws IOException {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("name", "/" + record.name());
        stats.put("id", record.id());
        stats.put("read", Instant.now(clock).toString());
        stats.put("preread", previous == null ? "0001-01-01T00:00:00Z" : previous.get("read"));
        Map<String, Object> cpu;
        Map<String, Object> memory;
        long pids = 0;
        if (record.state().running()) {
            ContainerProcesses.Usage usage = service.usage(record.id());
            cpu = Map.of("cpu_usage", Map.of("total_usage", usage.cpuNanos(), "usage_in_kernelmode", 0, "usage_in_usermode", 0),
                    "system_cpu_usage", systemCpuNanos(), "online_cpus", Runtime.getRuntime().availableProcessors(),
                    "throttling_data", Map.of("periods", 0, "throttled_periods", 0, "throttled_time", 0));
            memory = Map.of("usage", usage.memoryBytes(), "limit", usage.memoryLimitBytes(),
                    "stats", Map.of("cache", usage.memoryCacheBytes(), "inactive_file", usage.memoryCacheBytes()));
            pids = usage.pids();
        } else {
            cpu = Map.of("cpu_usage", Map.of("total_usage", 0), "throttling_data", Map.of());
            memory = Map.of();
        }
        stats.put("cpu_stats", cpu);
        stats.put("precpu_stats", previous == null ? Map.of("cpu_usage", Map.of("total_usage", 0), "throttling_data", Map.of())
                : previous.get("cpu_stats"));
        stats.put("memory_stats", memory);
        stats.put("pids_stats", Map.of("current", pids));
        stats.put("blkio_stats", Map.of("io_service_bytes_recursive", List.of()));
        stats.put("networks", Map.of());
        return stats;
    }

    /** The host's CPU time in nanoseconds, from /proc/stat's first line (USER_HZ = 100). */
    private static long systemCpuNanos() throws IOException {
        String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
        long ticks = 0;
        for (String field : first.trim().split("\\s+")) {
            if (!field.equals("cpu")) {
                ticks += Long.parseLong(field);
            }
        }
        return ticks * 10_000_000L;
    }

    private ContainerRecord running(String idOrName) {
        ContainerRecord record = service.inspect(idOrName);
        if (!record.state().running()) {
            throw EngineException.conflict("Container " + record.id() + " is not running");
        }
        return record;
    }
}
