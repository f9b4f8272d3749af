package io.jmachine.engine.health;

import io.jmachine.engine.container.ContainerHealth;
import io.jmachine.engine.container.HealthCheck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** dockerd's verdict after each probe (daemon/health.go handleProbeResult), as a pure function. */
public final class HealthTransitions {

    private HealthTransitions() {
    }

    /**
     * The health after one more probe result: a success makes the container healthy and clears the streak; a
     * failure lengthens the streak (unless the container is still starting and inside its start period, so a
     * slow start does not count) and makes it unhealthy once the streak reaches the retries. The log keeps the
     * last {@link ContainerHealth#MAX_LOG} results.
     *
     * @param startedAt when the container's current run began, which the start period counts from
     */
    public static ContainerHealth afterProbe(ContainerHealth current, HealthCheck check, Instant startedAt,
                                             ContainerHealth.Result result) {
        List<ContainerHealth.Result> log = new ArrayList<>(current.log());
        log.add(result);
        if (log.size() > ContainerHealth.MAX_LOG) {
            log = log.subList(log.size() - ContainerHealth.MAX_LOG, log.size());
        }
        if (result.exitCode() == 0) {
            return new ContainerHealth(ContainerHealth.Status.healthy, 0, log);
        }
        boolean inStartPeriod = current.status() == ContainerHealth.Status.starting
                && Duration.between(startedAt, result.start()).compareTo(check.startPeriod()) < 0;
        if (inStartPeriod) {
            return new ContainerHealth(current.status(), current.failingStreak(), log);
        }
        int streak = current.failingStreak() + 1;
        ContainerHealth.Status status = streak >= check.probeRetries() ? ContainerHealth.Status.unhealthy : current.status();
        return new ContainerHealth(status, streak, log);
    }
}
