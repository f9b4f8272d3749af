package io.jmachine.engine.health;

import io.jmachine.engine.container.ContainerHealth;
import io.jmachine.engine.container.ContainerHealth.Status;
import io.jmachine.engine.container.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verdicts of dockerd's handleProbeResult, on a clock the test sets: each probe's start is given. */
class HealthTransitionsTest {

    private static final Instant STARTED = Instant.parse("2026-11-28T10:00:00Z");
    private static final HealthCheck TWO_RETRIES = check(Duration.ZERO, 2);

    private static HealthCheck check(Duration startPeriod, int retries) {
        return new HealthCheck(List.of("CMD", "true"), Duration.ofSeconds(1), Duration.ZERO, startPeriod, retries);
    }

    private static ContainerHealth.Result result(int secondsAfterStart, int exitCode) {
        Instant start = STARTED.plusSeconds(secondsAfterStart);
        return new ContainerHealth.Result(start, start.plusMillis(30), exitCode, "exit " + exitCode + "\n");
    }

    private static ContainerHealth probe(ContainerHealth health, HealthCheck check, int secondsAfterStart, int exitCode) {
        return HealthTransitions.afterProbe(health, check, STARTED, result(secondsAfterStart, exitCode));
    }

    @Test
    void failuresStayStartingUntilTheStreakReachesTheRetriesThenASuccessHeals() {
        ContainerHealth health = probe(ContainerHealth.starting(), TWO_RETRIES, 1, 1);
        assertEquals(Status.starting, health.status());
        assertEquals(1, health.failingStreak());
        health = probe(health, TWO_RETRIES, 2, 1);
        assertEquals(Status.unhealthy, health.status());
        assertEquals(2, health.failingStreak());
        health = probe(health, TWO_RETRIES, 3, 0);
        assertEquals(Status.healthy, health.status());
        assertEquals(0, health.failingStreak());
    }

    @Test
    void aHealthyContainerTurnsUnhealthyOnlyAfterRetriesFailuresInARow() {
        ContainerHealth health = probe(ContainerHealth.starting(), TWO_RETRIES, 1, 0);
        health = probe(health, TWO_RETRIES, 2, 1);
        assertEquals(Status.healthy, health.status(), "one failure is not enough");
        health = probe(health, TWO_RETRIES, 3, 0);
        health = probe(health, TWO_RETRIES, 4, 1);
        assertEquals(Status.healthy, health.status(), "the success in between reset the streak");
        health = probe(health, TWO_RETRIES, 5, 2);
        assertEquals(Status.unhealthy, health.status(), "any non-zero exit code is a failure");
    }

    @Test
    void zeroRetriesMeanDockersDefaultOfThree() {
        HealthCheck defaults = check(Duration.ZERO, 0);
        ContainerHealth health = ContainerHealth.starting();
        for (int i = 1; i <= 2; i++) {
            health = probe(health, defaults, i, 1);
        }
        assertEquals(Status.starting, health.status());
        health = probe(health, defaults, 3, 1);
        assertEquals(Status.unhealthy, health.status());
        assertEquals(3, health.failingStreak());
    }

    @Test
    void failuresInTheStartPeriodDoNotCountButLaterOnesDo() {
        HealthCheck slowStart = check(Duration.ofSeconds(10), 1);
        ContainerHealth health = ContainerHealth.starting();
        for (int second = 1; second <= 9; second++) {
            health = probe(health, slowStart, second, 1);
        }
        assertEquals(Status.starting, health.status());
        assertEquals(0, health.failingStreak());
        assertEquals(5, health.log().size(), "uncounted failures are still logged");
        health = probe(health, slowStart, 10, 1);
        assertEquals(Status.unhealthy, health.status(), "the start period is over at 10 s");
        assertEquals(1, health.failingStreak());
    }

    @Test
    void onceASuccessCameTheStartPeriodNoLongerProtects() {
        HealthCheck slowStart = check(Duration.ofSeconds(60), 1);
        ContainerHealth health = probe(ContainerHealth.starting(), slowStart, 1, 0);
        health = probe(health, slowStart, 2, 1);
        assertEquals(Status.unhealthy, health.status());
    }

    @Test
    void theLogKeepsTheLastFiveResults() {
        ContainerHealth health = ContainerHealth.starting();
        for (int second = 1; second <= 7; second++) {
            health = probe(health, TWO_RETRIES, second, second % 2);
        }
        assertEquals(ContainerHealth.MAX_LOG, health.log().size());
        assertEquals(STARTED.plusSeconds(3), health.log().get(0).start());
        assertEquals(STARTED.plusSeconds(7), health.log().get(4).start());
        assertEquals("exit 1\n", health.log().get(4).output());
    }
}
