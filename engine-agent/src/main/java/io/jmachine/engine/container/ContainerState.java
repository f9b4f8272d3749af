package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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
        @JsonProperty("FinishedAt") Instant finishedAt,
        // absent for containers without a health check, as dockerd's omitempty
        @JsonProperty("Health") @JsonInclude(JsonInclude.Include.NON_NULL) ContainerHealth health) {

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
        return new ContainerState(Status.created, 0, 0, "", false, ZERO_TIME, ZERO_TIME, null);
    }

    /**
     * A new run. OOMKilled stays the last run's until this one ends, as dockerd 20.10 keeps it.
     *
     * @param healthChecked whether the container has a health check: each start begins its health at "starting"
     */
    public ContainerState running(int newPid, Instant at, boolean healthChecked) {
        ContainerHealth newHealth = !healthChecked ? null : health == null ? ContainerHealth.starting() : health.restarted();
        return new ContainerState(Status.running, newPid, 0, "", oomKilled, at, finishedAt, newHealth);
    }

    public ContainerState exited(int code, boolean oom, Instant at) {
        return new ContainerState(Status.exited, 0, code, error, oom, startedAt, at, health == null ? null : health.stopped());
    }

    /** As dockerd, a start that failed leaves OOMKilled as the last run left it. */
    public ContainerState failedToStart(int code, String message, Instant at) {
        return new ContainerState(status == Status.created ? Status.created : Status.exited, 0, code, message, oomKilled, startedAt, at,
                health);
    }

    public ContainerState withStatus(Status newStatus) {
        return new ContainerState(newStatus, pid, exitCode, error, oomKilled, startedAt, finishedAt, health);
    }

    public ContainerState withHealth(ContainerHealth newHealth) {
        return new ContainerState(status, pid, exitCode, error, oomKilled, startedAt, finishedAt, newHealth);
    }

    /** What `docker ps --filter health=` compares: the health status, or "none" without a health check. */
    @JsonIgnore
    public String healthFilterValue() {
        return health == null ? "none" : health.status().name();
    }

    /** Running or paused: the process exists. */
    @JsonIgnore
    public boolean isAlive() {
        return status == Status.running || status == Status.paused || status == Status.restarting;
    }

    /** Running or paused: the process exists (not while restarting, between two runs). */
    @JsonIgnore
    public boolean running() {
        return status == Status.running || status == Status.paused;
    }

    /** Running as dockerd shows it: true while restarting too, as its state then is Running and Restarting. */
    @JsonProperty("Running")
    public boolean runningAsShown() {
        return running() || restarting();
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
