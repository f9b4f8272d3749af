package io.jmachine.engine.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GoTimestampTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final ZoneId ZONE = ZoneOffset.ofHours(2);

    private static Instant parse(String value) {
        return GoTimestamp.parse(value, NOW, ZONE);
    }

    @Test
    void aDurationCountsBackFromNow() {
        assertEquals(NOW.minus(Duration.ofHours(24)), parse("24h"));
        assertEquals(NOW.minus(Duration.ofMinutes(90)), parse("1h30m"));
        assertEquals(NOW.minusMillis(1500), parse("1.5s"));
    }

    @Test
    void rfc3339TimesWithAZoneAreTakenAsGiven() {
        assertEquals(Instant.parse("2026-04-30T10:00:00Z"), parse("2026-04-30T10:00:00Z"));
        assertEquals(Instant.parse("2026-04-30T08:00:00.5Z"), parse("2026-04-30T10:00:00.5+02:00"));
        assertEquals(Instant.parse("2026-04-29T22:00:00Z"), parse("2026-04-30+02:00"));
    }

    @Test
    void datesAndTimesWithoutAZoneAreTheEnginesLocalTime() {
        assertEquals(Instant.parse("2026-04-29T22:00:00Z"), parse("2026-04-30"));
        assertEquals(Instant.parse("2026-04-30T08:00:00Z"), parse("2026-04-30T10"));
        assertEquals(Instant.parse("2026-04-30T08:30:00Z"), parse("2026-04-30T10:30"));
        assertEquals(Instant.parse("2026-04-30T08:30:15Z"), parse("2026-04-30T10:30:15"));
    }

    @Test
    void unixSecondsWithAnOptionalFraction() {
        assertEquals(Instant.ofEpochSecond(1714557600), parse("1714557600"));
        assertEquals(Instant.ofEpochSecond(1714557600, 250_000_000), parse("1714557600.25"));
        assertEquals(Instant.EPOCH, parse("0"));
    }

    @Test
    void anythingElseIsRefusedInDockerdsWords() {
        for (String bad : new String[] {"bogus", "24x", "2026-13-01", "2026-04-30T25:00", "12.5.6", ""}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> parse(bad), bad);
            assertEquals(true, refused.getMessage().startsWith("failed to parse value as time or duration"), refused.getMessage());
        }
    }

    @Test
    void goDurationsTakeSignsFractionsAndEveryUnit() {
        assertEquals(Duration.ofMinutes(-90), GoDuration.parse("-1h30m"));
        assertEquals(Duration.ofNanos(1_500_001_001L), GoDuration.parse("1s500ms1us1ns"));
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        assertEquals("time: invalid duration \"5\"", assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("5")).getMessage());
    }
}
