package io.jmachine.engine.api.containers;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.container.ContainerProcesses;
import io.jmachine.engine.container.ContainerState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogStreamingTest {

    private static final ContainerProcesses.LogSource.Entry ERR = new ContainerProcesses.LogSource.Entry(
            Instant.parse("2026-11-28T10:00:00.123456789Z"), true, "oops\n".getBytes(StandardCharsets.UTF_8));

    @Test
    void entriesAreFramedWithStreamAndLengthUnlessTty() {
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 5, 'o', 'o', 'p', 's', '\n'}, LogStreaming.frame(ERR, false, false));
        assertArrayEquals("oops\n".getBytes(StandardCharsets.UTF_8), LogStreaming.frame(ERR, true, false));
        assertEquals("2026-11-28T10:00:00.123456789Z oops\n", new String(LogStreaming.frame(ERR, true, true), StandardCharsets.UTF_8));
    }

    @Test
    void tailAndTimesParseAsDockerSendsThem() {
        assertEquals(-1, LogStreaming.tail("all"));
        assertEquals(-1, LogStreaming.tail(null));
        assertEquals(1, LogStreaming.tail("1"));
        assertThrows(EngineException.class, () -> LogStreaming.tail("x"));
        assertEquals(Instant.ofEpochSecond(1700000000, 250_000_000), LogStreaming.time("1700000000.250000000"));
        assertEquals(Instant.ofEpochSecond(1700000000), LogStreaming.time("1700000000"));
        assertNull(LogStreaming.time("0"));
    }

    @Test
    void psStatusReadsLikeDocker() {
        Instant now = Instant.parse("2026-11-28T10:05:00Z");
        ContainerState running = ContainerState.created().running(42, Instant.parse("2026-11-28T10:00:00Z"), false);
        assertEquals("Up 5 minutes", ContainerViews.status(running, now));
        assertEquals("Up 5 minutes (Paused)", ContainerViews.status(running.withStatus(ContainerState.Status.paused), now));
        assertEquals("Exited (3) 2 seconds ago", ContainerViews.status(running.exited(3, false, now.minusSeconds(2)), now));
        assertEquals("Created", ContainerViews.status(ContainerState.created(), now));
    }
}
