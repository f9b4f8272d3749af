package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestartPolicyTest {

    private static ContainerRecord record(String policy, int max, int restarts, Duration ran) {
        HostConfig hostConfig = HostConfig.defaults().withRestartPolicy(new HostConfig.RestartPolicy(policy, max));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        ContainerState state = new ContainerState(ContainerState.Status.exited, 0, 1, "", false, start, start.plus(ran), null);
        ContainerConfig config = new ContainerConfig(null, null, null, false, false, false, null, false, false, false, null,
                List.of("true"), null, "img", null, null, null, false, null, Map.of(), null, null, null);
        return new ContainerRecord("a".repeat(64), "c", start, "true", List.of(), "sha256:x", "img", config, hostConfig, state,
                restarts, null, 1, List.of());
    }

    @Test
    void policiesDecideOnTheExitCode() {
        assertFalse(RestartPolicy.shouldRestart(record("no", 0, 0, Duration.ZERO), 1));
        assertTrue(RestartPolicy.shouldRestart(record("always", 0, 0, Duration.ZERO), 0));
        assertTrue(RestartPolicy.shouldRestart(record("unless-stopped", 0, 0, Duration.ZERO), 0));
        assertFalse(RestartPolicy.shouldRestart(record("on-failure", 0, 0, Duration.ZERO), 0));
        assertTrue(RestartPolicy.shouldRestart(record("on-failure", 0, 7, Duration.ZERO), 2));
        assertTrue(RestartPolicy.shouldRestart(record("on-failure", 3, 2, Duration.ZERO), 2));
        assertFalse(RestartPolicy.shouldRestart(record("on-failure", 3, 3, Duration.ZERO), 2));
    }

    @Test
    void whenTheEngineStartsExitedContainersComeBackAsDockerdsRestoreDecides() {
        assertTrue(RestartPolicy.startsWithTheEngine(record("always", 0, 0, Duration.ZERO)));
        assertTrue(RestartPolicy.startsWithTheEngine(record("always", 0, 0, Duration.ZERO).withManuallyStopped(true)),
                "always comes back even when stopped by hand");
        assertTrue(RestartPolicy.startsWithTheEngine(record("unless-stopped", 0, 0, Duration.ZERO)));
        assertFalse(RestartPolicy.startsWithTheEngine(record("unless-stopped", 0, 0, Duration.ZERO).withManuallyStopped(true)));
        assertTrue(RestartPolicy.startsWithTheEngine(record("on-failure", 0, 0, Duration.ZERO)), "it exited 1");
        assertFalse(RestartPolicy.startsWithTheEngine(record("on-failure", 2, 2, Duration.ZERO)), "no retries left");
        assertFalse(RestartPolicy.startsWithTheEngine(record("no", 0, 0, Duration.ZERO)));
        ContainerRecord created = record("always", 0, 0, Duration.ZERO);
        created = created.withState(created.state().withStatus(ContainerState.Status.created));
        assertFalse(RestartPolicy.startsWithTheEngine(created), "a container that never ran stays put");
    }

    @Test
    void backOffDoublesUpToAMinuteAndResetsAfterAHealthyRun() {
        assertEquals(Duration.ofMillis(100), RestartPolicy.backoff(record("always", 0, 0, Duration.ofSeconds(1)), Instant.now()));
        assertEquals(Duration.ofMillis(800), RestartPolicy.backoff(record("always", 0, 3, Duration.ofSeconds(1)), Instant.now()));
        assertEquals(Duration.ofMinutes(1), RestartPolicy.backoff(record("always", 0, 20, Duration.ofSeconds(1)), Instant.now()));
        assertEquals(Duration.ofMillis(100), RestartPolicy.backoff(record("always", 0, 20, Duration.ofSeconds(30)), Instant.now()));
    }

    @Test
    void invalidPoliciesAreRefusedLikeDockerd() {
        assertThrows(EngineException.class, () -> RestartPolicy.validate(new HostConfig.RestartPolicy("sometimes", 0), false));
        assertThrows(EngineException.class, () -> RestartPolicy.validate(new HostConfig.RestartPolicy("always", 3), false));
        assertThrows(EngineException.class, () -> RestartPolicy.validate(new HostConfig.RestartPolicy("always", 0), true));
        RestartPolicy.validate(new HostConfig.RestartPolicy("on-failure", 3), false);
    }
}
