package io.jmachine.engine.monitor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line of a container's output, its partial pieces joined, as {@code docker logs} shows it.
 * {@code content} is the raw bytes without the newline; {@code complete} is false only for output
 * that ended without a newline (then Docker shows none either).
 */
public record LogLine(Instant time, OutputSource source, byte[] content, boolean complete) {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The text, decoded as UTF-8, without the newline. */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** The time in Go's RFC3339Nano, as {@code docker logs --timestamps}: UTC, fraction without trailing zeros. */
    public String timestamp() {
        StringBuilder text = new StringBuilder(SECONDS.format(time));
        int nanos = time.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
            text.append('.').append(fraction);
        }
        return text.append('Z').toString();
    }

    /** The bytes to send a client: optionally the timestamp and a space, the content, the newline if it had one. */
    public byte[] bytes(boolean timestamps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 40);
        if (timestamps) {
            out.writeBytes((timestamp() + " ").getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(content);
        if (complete) {
            out.write('\n');
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return timestamp() + " " + source + (complete ? " " : " (partial) ") + text();
    }
}
