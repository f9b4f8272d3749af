package io.jmachine.engine.registry;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Docker's JSON progress stream, one object a line, as the docker CLI draws it:
 * {@code {"status":"Pulling fs layer","progressDetail":{},"id":"a3ed95caeb02"}},
 * {@code {"status":"Downloading","progressDetail":{"current":1,"total":2},"progress":"[=>  ] 1B/2B","id":…}},
 * {@code {"errorDetail":{"message":…},"error":…}} and {@code {"progressDetail":{},"aux":{…}}}.
 * Layers report from several threads at once; byte counts are sent at most every 100 ms per layer.
 */
public final class ProgressWriter {

    /** Where the lines go: the response stream. */
    @FunctionalInterface
    public interface Sink {
        void writeJsonLine(Object line) throws IOException;
    }

    private static final long INTERVAL_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 50;

    private final Sink sink;
    private final Map<String, Long> lastProgress = new HashMap<>();

    public ProgressWriter(Sink sink) {
        this.sink = sink;
    }

    public synchronized void status(String status) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("status", status);
        sink.writeJsonLine(line);
    }

    /** A line about one layer (or tag): "Pulling fs layer", "Pull complete", "Layer already exists"… */
    public synchronized void status(String id, String status) throws IOException {
        sink.writeJsonLine(line(id, status, Map.of(), null));
    }

    /** Bytes done of a layer; skipped when the last report of it was under 100 ms ago, unless it is the last. */
    public synchronized void progress(String id, String action, long current, long total) throws IOException {
        long now = System.nanoTime();
        Long last = lastProgress.get(id);
        if (last != null && now - last < INTERVAL_NANOS && current < total) {
            return;
        }
        lastProgress.put(id, now);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("current", current);
        if (total > 0) {
            detail.put("total", total);
        }
        sink.writeJsonLine(line(id, action, detail, bar(current, total)));
    }

    /** The failure line the CLI prints as the error and exits non-zero on. */
    public synchronized void error(String message) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("errorDetail", Map.of("message", message));
        line.put("error", message);
        sink.writeJsonLine(line);
    }

    /** Data for programs rather than people (a push's tag, digest and size). */
    public synchronized void aux(Map<String, Object> aux) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("progressDetail", Map.of());
        line.put("aux", aux);
        sink.writeJsonLine(line);
    }

    private static Map<String, Object> line(String id, String status, Map<String, Object> detail, String progress) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("status", status);
        line.put("progressDetail", detail);
        if (progress != null) {
            line.put("progress", progress);
        }
        line.put("id", id);
        return line;
    }

    /** "[=====>      ]  1.2MB/3.4MB" (always a ">", as Go's progress bar), the text older clients show as is. */
    static String bar(long current, long total) {
        if (total <= 0) {
            return humanSize(current);
        }
        int filled = (int) Math.min(BAR_WIDTH, current * BAR_WIDTH / total);
        StringBuilder bar = new StringBuilder("[").append("=".repeat(filled)).append('>').append(" ".repeat(BAR_WIDTH - filled));
        return bar.append("] ").append(String.format("%8s", humanSize(current))).append('/').append(humanSize(total)).toString();
    }

    /** Decimal units with 4 significant digits, as Go's units.HumanSize: "1.084MB", "512B". */
    static String humanSize(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        String number = new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        return number + units[unit];
    }
}
