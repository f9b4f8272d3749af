package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.engine.errors.EngineException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container's HEALTHCHECK (Docker's Config.Healthcheck: durations in nanoseconds, zero meaning "the default"),
 * as the build writes it into images and `docker run --health-*` sends it.
 *
 * @param test    ["CMD", argv…], ["CMD-SHELL", command], ["NONE"], or empty for "inherit the image's"
 * @param retries failures in a row that make a container unhealthy; 0 for the default
 */
public record HealthCheck(List<String> test, Duration interval, Duration timeout, Duration startPeriod, int retries) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RETRIES = 3;
    private static final Duration MINIMUM = Duration.ofMillis(1);

    public HealthCheck {
        test = test == null ? List.of() : List.copyOf(test);
        interval = interval == null ? Duration.ZERO : interval;
        timeout = timeout == null ? Duration.ZERO : timeout;
        startPeriod = startPeriod == null ? Duration.ZERO : startPeriod;
    }

    /** The container's health check, if it has one that runs (not absent, not NONE). */
    public static Optional<HealthCheck> of(ContainerConfig config) {
        HealthCheck check = parse(config.healthcheck());
        return check != null && check.enabled() ? Optional.of(check) : Optional.empty();
    }

    /** Reads Docker's JSON form; null for null or a JSON null. */
    public static HealthCheck parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        List<String> test = new ArrayList<>();
        node.path("Test").forEach(word -> test.add(word.asText()));
        return new HealthCheck(test, Duration.ofNanos(node.path("Interval").asLong()), Duration.ofNanos(node.path("Timeout").asLong()),
                Duration.ofNanos(node.path("StartPeriod").asLong()), node.path("Retries").asInt());
    }

    /**
     * dockerd's merge at create: no request check means the image's; otherwise each empty field of the
     * request's (no Test, zero durations, zero retries) takes the image's.
     */
    public static JsonNode merge(JsonNode requested, JsonNode image) {
        HealthCheck own = parse(requested);
        HealthCheck inherited = parse(image);
        if (own == null) {
            return inherited == null ? null : inherited.toJson();
        }
        own.validate();
        if (inherited == null) {
            return own.toJson();
        }
        return new HealthCheck(own.test.isEmpty() ? inherited.test : own.test,
                own.interval.isZero() ? inherited.interval : own.interval,
                own.timeout.isZero() ? inherited.timeout : own.timeout,
                own.startPeriod.isZero() ? inherited.startPeriod : own.startPeriod,
                own.retries == 0 ? inherited.retries : own.retries).toJson();
    }

    /** dockerd's checks of a create request, with its wording. */
    void validate() {
        requireMinimum(interval, "Interval");
        requireMinimum(timeout, "Timeout");
        requireMinimum(startPeriod, "StartPeriod");
        if (retries < 0) {
            throw EngineException.invalid("Retries in Healthcheck cannot be negative");
        }
    }

    private static void requireMinimum(Duration value, String field) {
        if (!value.isZero() && value.compareTo(MINIMUM) < 0) {
            throw EngineException.invalid(field + " in Healthcheck cannot be less than 1ms");
        }
    }

    /** Docker's JSON, leaving out empty fields as Go's omitempty does. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (!test.isEmpty()) {
            ArrayNode words = node.putArray("Test");
            test.forEach(words::add);
        }
        putNanos(node, "Interval", interval);
        putNanos(node, "Timeout", timeout);
        putNanos(node, "StartPeriod", startPeriod);
        if (retries != 0) {
            node.put("Retries", retries);
        }
        return node;
    }

    private static void putNanos(ObjectNode node, String field, Duration value) {
        if (!value.isZero()) {
            node.put(field, value.toNanos());
        }
    }

    public boolean enabled() {
        return !test.isEmpty() && !test.get(0).equals("NONE");
    }

    public Duration probeInterval() {
        return interval.isZero() ? DEFAULT_INTERVAL : interval;
    }

    public Duration probeTimeout() {
        return timeout.isZero() ? DEFAULT_TIMEOUT : timeout;
    }

    public int probeRetries() {
        return retries <= 0 ? DEFAULT_RETRIES : retries;
    }

    /**
     * The probe's argv: CMD's words, or CMD-SHELL's command under the container's SHELL (/bin/sh -c by default);
     * empty for a test type dockerd does not run.
     */
    public Optional<List<String>> probeCommand(List<String> shell) {
        if (test.isEmpty()) {
            return Optional.empty();
        }
        List<String> rest = test.subList(1, test.size());
        return switch (test.get(0)) {
            case "CMD" -> rest.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(rest));
            case "CMD-SHELL" -> {
                List<String> argv = new ArrayList<>(shell == null || shell.isEmpty() ? List.of("/bin/sh", "-c") : shell);
                argv.addAll(rest);
                yield Optional.of(argv);
            }
            default -> Optional.empty();
        };
    }
}
