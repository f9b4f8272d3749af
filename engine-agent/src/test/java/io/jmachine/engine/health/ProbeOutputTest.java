package io.jmachine.engine.health;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProbeOutputTest {

    @Test
    void keepsBothStreamsInOrderUpTo4096BytesThenMarksTheCut() {
        ProbeOutput output = new ProbeOutput();
        output.write(false, "out\n".getBytes(StandardCharsets.UTF_8), 0, 4);
        output.write(true, "xerr\n".getBytes(StandardCharsets.UTF_8), 1, 4);
        assertEquals("out\nerr\n", output.text());
        byte[] big = "y".repeat(5000).getBytes(StandardCharsets.UTF_8);
        output.write(false, big, 0, big.length);
        output.write(false, big, 0, 10);
        assertEquals(ProbeOutput.LIMIT + 3, output.text().length());
        assertEquals("out\nerr\nyyy", output.text().substring(0, 11));
        assertEquals("y...", output.text().substring(output.text().length() - 4));
    }

    @Test
    void timeoutsReadAsGoPrintsThem() {
        assertEquals("1s", ExecProbe.goDuration(Duration.ofSeconds(1)));
        assertEquals("30s", ExecProbe.goDuration(Duration.ofSeconds(30)));
        assertEquals("1.5s", ExecProbe.goDuration(Duration.ofMillis(1500)));
        assertEquals("500ms", ExecProbe.goDuration(Duration.ofMillis(500)));
        assertEquals("1m30s", ExecProbe.goDuration(Duration.ofSeconds(90)));
        assertEquals("1h0m0s", ExecProbe.goDuration(Duration.ofHours(1)));
    }
}
