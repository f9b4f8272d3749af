package io.jmachine.engine.image;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Go's RFC3339Nano: UTC, fraction without trailing zeros ("2024-05-01T10:00:00.12Z"). */
final class Rfc3339 {

    static final String ZERO = "0001-01-01T00:00:00Z";

    private Rfc3339() {
    }

    static String format(Instant instant) {
        String text = instant.toString();
        return text.contains(".") ? text.replaceAll("\\.?0+Z$", "Z") : text;
    }

    /** Seconds since the epoch, or 0 for a missing or malformed time (as docker shows unknown ages). */
    static long epochSeconds(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return 0;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
