package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The create-time merge with the image's HEALTHCHECK, dockerd's defaults, and health across a container's runs. */
class HealthCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    /** As the JSON text: Jackson's int and long nodes for the same number are not equal. */
    private static void assertJson(String expected, JsonNode actual) throws Exception {
        assertEquals(json(expected).toString(), actual.toString());
    }

    private static final String IMAGE = "{\"Test\":[\"CMD-SHELL\",\"test -e /ok\"],\"Interval\":5000000000,\"Retries\":4}";

    @Test
    void withoutFlagsTheContainerTakesTheImagesCheck() throws Exception {
        assertJson(IMAGE, HealthCheck.merge(null, json(IMAGE)));
        assertNull(HealthCheck.merge(null, null));
    }

    @Test
    void flagsOverrideFieldByFieldAndLeaveTheRestToTheImage() throws Exception {
        JsonNode merged = HealthCheck.merge(json("{\"Test\":[\"CMD\",\"true\"],\"Timeout\":2000000000}"), json(IMAGE));
        assertJson("{\"Test\":[\"CMD\",\"true\"],\"Interval\":5000000000,\"Timeout\":2000000000,\"Retries\":4}", merged);
        // --health-interval alone keeps the image's test
        assertJson("{\"Test\":[\"CMD-SHELL\",\"test -e /ok\"],\"Interval\":1000000000,\"Retries\":4}",
                HealthCheck.merge(json("{\"Interval\":1000000000}"), json(IMAGE)));
    }

    @Test
    void noHealthcheckDisablesTheImagesCheckAsDockerdShowsIt() throws Exception {
        JsonNode merged = HealthCheck.merge(json("{\"Test\":[\"NONE\"]}"), json(IMAGE));
        assertJson("{\"Test\":[\"NONE\"],\"Interval\":5000000000,\"Retries\":4}", merged);
        assertTrue(HealthCheck.parse(merged).test().contains("NONE"));
        assertEquals(Optional.empty(), HealthCheck.of(config(merged)));
    }

    @Test
    void zeroMeansDockersDefaults() throws Exception {
        HealthCheck check = HealthCheck.parse(json("{\"Test\":[\"CMD\",\"true\"]}"));
        assertEquals(Duration.ofSeconds(30), check.probeInterval());
        assertEquals(Duration.ofSeconds(30), check.probeTimeout());
        assertEquals(Duration.ZERO, check.startPeriod());
        assertEquals(3, check.probeRetries());
    }

    @Test
    void cmdShellRunsUnderTheContainersShellAndCmdAsGiven() throws Exception {
        HealthCheck shell = HealthCheck.parse(json("{\"Test\":[\"CMD-SHELL\",\"test -e /ok\"]}"));
        assertEquals(Optional.of(List.of("/bin/sh", "-c", "test -e /ok")), shell.probeCommand(null));
        assertEquals(Optional.of(List.of("/bin/ash", "-eo", "test -e /ok")), shell.probeCommand(List.of("/bin/ash", "-eo")));
        HealthCheck exec = HealthCheck.parse(json("{\"Test\":[\"CMD\",\"test\",\"-e\",\"/ok\"]}"));
        assertEquals(Optional.of(List.of("test", "-e", "/ok")), exec.probeCommand(null));
        assertEquals(Optional.empty(), HealthCheck.parse(json("{\"Test\":[\"BOGUS\",\"x\"]}")).probeCommand(null));
    }

    @Test
    void aRequestBelowOneMillisecondOrWithNegativeRetriesIsRefused() throws Exception {
        EngineException interval = assertThrows(EngineException.class, () -> HealthCheck.merge(json("{\"Interval\":5}"), null));
        assertEquals(EngineException.Kind.INVALID, interval.kind());
        assertEquals("Interval in Healthcheck cannot be less than 1ms", interval.getMessage());
        assertEquals("Retries in Healthcheck cannot be negative",
                assertThrows(EngineException.class, () -> HealthCheck.merge(json("{\"Retries\":-1}"), null)).getMessage());
    }

    @Test
    void eachStartBeginsAtStartingAndAStopMakesItUnhealthy() {
        Instant at = Instant.parse("2026-11-28T10:00:00Z");
        ContainerState running = ContainerState.created().running(7, at, true);
        assertEquals(ContainerHealth.starting(), running.health());
        ContainerHealth.Result failed = new ContainerHealth.Result(at, at, 1, "");
        running = running.withHealth(new ContainerHealth(ContainerHealth.Status.healthy, 2, List.of(failed)));
        ContainerState exited = running.exited(137, false, at.plusSeconds(5));
        assertEquals(new ContainerHealth(ContainerHealth.Status.unhealthy, 2, List.of(failed)), exited.health());
        assertEquals("unhealthy", exited.healthFilterValue());
        ContainerState again = exited.running(8, at.plusSeconds(6), true);
        assertEquals(new ContainerHealth(ContainerHealth.Status.starting, 0, List.of(failed)), again.health(), "the log stays");
        assertNull(ContainerState.created().running(7, at, false).health());
        assertEquals("none", ContainerState.created().running(7, at, false).healthFilterValue());
    }

    private static ContainerConfig config(JsonNode healthcheck) {
        return new ContainerConfig(null, null, null, false, false, false, null, false, false, false, null, List.of("sh"), healthcheck,
                "img", null, null, null, false, null, null, null, null, null);
    }
}
