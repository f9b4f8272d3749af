package io.jmachine.engine.time;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * moby's timestamp.Parse, what the {@code until} filters and {@code --since} take: a Go duration back from now
 * ("24h", "90m"), an RFC 3339 date or time with or without a zone ("2024-05-01", "2024-05-01T10:00",
 * "2024-05-01T10:00:00.5+02:00"; without a zone, the engine's), or Unix seconds ("1714557600", "1714557600.5").
 */
public final class GoTimestamp {

    private static final DateTimeFormatter RFC3339_PREFIX = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').appendValue(ChronoField.HOUR_OF_DAY, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd().optionalEnd().optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "z").optionalEnd()
            .toFormatter();

    private GoTimestamp() {
    }

    /** The instant, or an IllegalArgumentException in dockerd's words. */
    public static Instant parse(String value, Instant now, ZoneId zone) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("failed to parse value as time or duration: value is empty");
        }
        if (!value.equals("0")) {
            try {
                return now.minus(GoDuration.parse(value));
            } catch (IllegalArgumentException notADuration) {
                // a time, then
            }
        }
        if (value.contains("-")) {
            return rfc3339(value, zone);
        }
        return unixSeconds(value);
    }

    private static Instant rfc3339(String value, ZoneId zone) {
        try {
            TemporalAccessor parsed = RFC3339_PREFIX.parse(value);
            LocalDateTime local = parsed.isSupported(ChronoField.HOUR_OF_DAY)
                    ? LocalDateTime.of(LocalDate.from(parsed), LocalTime.of(parsed.get(ChronoField.HOUR_OF_DAY),
                            field(parsed, ChronoField.MINUTE_OF_HOUR), field(parsed, ChronoField.SECOND_OF_MINUTE),
                            field(parsed, ChronoField.NANO_OF_SECOND)))
                    : LocalDate.from(parsed).atStartOfDay();
            return parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    ? local.toInstant(ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)))
                    : local.atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("failed to parse value as time or duration: \"" + value + "\"");
        }
    }

    private static int field(TemporalAccessor parsed, ChronoField field) {
        return parsed.isSupported(field) ? parsed.get(field) : 0;
    }

    private static Instant unixSeconds(String value) {
        if (!value.matches("[0-9]+(\\.[0-9]{1,9})?")) {
            throw new IllegalArgumentException("failed to parse value as time or duration: \"" + value + "\"");
        }
        BigDecimal seconds = new BigDecimal(value);
        return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
    }
}
