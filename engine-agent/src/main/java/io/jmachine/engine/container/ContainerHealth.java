package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * A container's health as inspect shows it (State.Health): the verdict of its HEALTHCHECK probes, how many
 * failed in a row, and the last {@link #MAX_LOG} results. Kept in the container's record, so it survives
 * engine restarts; the health monitor makes new values, this only describes them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerHealth(
        @JsonProperty("Status") Status status,
        @JsonProperty("FailingStreak") int failingStreak,
        @JsonProperty("Log") List<Result> log) {

    /** dockerd keeps this many probe results. */
    public static final int MAX_LOG = 5;

    public enum Status {
        starting, healthy, unhealthy;

        /** How `docker ps` puts it after "Up …". */
        public String psSuffix() {
            return this == starting ? "(health: starting)" : "(" + name() + ")";
        }
    }

    /** One probe: when it ran, its exit code (-1 when it could not run or timed out) and its output. */
    public record Result(@JsonProperty("Start") Instant start, @JsonProperty("End") Instant end,
                         @JsonProperty("ExitCode") int exitCode, @JsonProperty("Output") String output) {
        public Result {
            output = output == null ? "" : output;
        }
    }

    public ContainerHealth {
        status = status == null ? Status.starting : status;
        log = log == null ? List.of() : List.copyOf(log);
    }

    /** A container's first start with a health check. */
    public static ContainerHealth starting() {
        return new ContainerHealth(Status.starting, 0, List.of());
    }

    /** Each start begins again at "starting" with no failures; earlier results stay in the log, as in dockerd. */
    public ContainerHealth restarted() {
        return new ContainerHealth(Status.starting, 0, log);
    }

    /** dockerd marks a stopped container's health unhealthy ("for compatibility reasons"), streak unchanged. */
    public ContainerHealth stopped() {
        return new ContainerHealth(Status.unhealthy, failingStreak, log);
    }
}
