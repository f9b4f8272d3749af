package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/** A container's state as inspect shows it; transitions are the service's, this only describes. */
public record ContainerState(
        @JsonProperty("Status") Status status,
        @JsonProperty("Pid") int pid,
        @JsonProperty("ExitCode") int exitCode,
        @JsonProperty("Error") String error,
        @JsonProperty("OOMKilled") boolean oomKilled,
        @JsonProperty("StartedAt") Instant startedAt,
        @JsonProperty("FinishedAt") Instant finishedAt) {

    /** Docker's zero time, printed for times that never happened. */
    public static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    public enum Status {
        created, running, paused, restarting, removing, exited, dead
    }

    public ContainerState {
        error = error == null ? "" : error;
        startedAt = startedAt == null ? ZERO_TIME : startedAt;
        finishedAt = finishedAt == null ? ZERO_TIME : finishedAt;
    }

    public static ContainerState created() {
        return new ContainerState(Status.created, 0, 0, "", false, ZERO_TIME, ZERO_TIME);
    }

    public ContainerState running(int newPid, Instant at) {
        return new ContainerState(Status.running, newPid, 0, "", false, at, finishedAt);
    }

    public ContainerState exited(int code, boolean oom, Instant at) {
        return new ContainerState(Status.exited, 0, code, error, oom, startedAt, at);
    }

    public ContainerState failedToStart(int code, String message, Instant at) {
        return new ContainerState(status == Status.created ? Status.created : Status.exited, 0, code, message, false, startedAt, at);
    }

    public ContainerState withStatus(Status newStatus) {
        return new ContainerState(newStatus, pid, exitCode, error, oomKilled, startedAt, finishedAt);
    }

    /** Running or paused: the process exists. */
    @JsonIgnore
    public boolean isAlive() {
        return status == Status.running || status == Status.paused || status == Status.restarting;
    }

    @JsonProperty("Running")
    public boolean running() {
        return status == Status.running || status == Status.paused;
    }

    @JsonProperty("Paused")
    public boolean paused() {
        return status == Status.paused;
    }

    @JsonProperty("Restarting")
    public boolean restarting() {
        return status == Status.restarting;
    }

    @JsonProperty("Dead")
    public boolean dead() {
        return status == Status.dead;
    }
}
