package io.jmachine.engine.monitor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads conmon's k8s-file log format, fed in chunks as the file grows: each record is
 * {@code <RFC3339Nano time> <stdout|stderr> <P|F> <bytes>\n}, where P marks a piece of a line
 * (conmon read it without its newline) and F the piece that ends it. Pieces are joined per stream
 * into {@link LogLine}s stamped with their first piece's time.
 */
final class K8sLogParser {

    private static final class Pending {
        final Instant time;
        final ByteArrayOutputStream content = new ByteArrayOutputStream();

        Pending(Instant time) {
            this.time = time;
        }
    }

    private final ByteArrayOutputStream record = new ByteArrayOutputStream();
    private final Map<OutputSource, Pending> pieces = new EnumMap<>(OutputSource.class);

    /** Parses {@code length} bytes of the file; whole lines go to {@code out}, pieces wait for their end. */
    void feed(byte[] buffer, int offset, int length, Consumer<LogLine> out) {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (buffer[i] == '\n') {
                record.write(buffer, start, i - start);
                parseRecord(record.toByteArray(), out);
                record.reset();
                start = i + 1;
            }
        }
        record.write(buffer, start, end - start);
    }

    /** The output has ended: pieces never completed become lines without a newline. */
    void finish(Consumer<LogLine> out) {
        for (OutputSource source : OutputSource.values()) {
            Pending pending = pieces.remove(source);
            if (pending != null) {
                out.accept(new LogLine(pending.time, source, pending.content.toByteArray(), false));
            }
        }
    }

    private void parseRecord(byte[] line, Consumer<LogLine> out) {
        int timeEnd = indexOf(line, (byte) ' ', 0);
        int sourceEnd = timeEnd < 0 ? -1 : indexOf(line, (byte) ' ', timeEnd + 1);
        if (sourceEnd < 0 || sourceEnd + 2 > line.length) {
            return; // not a record (a torn write would be the only cause): skip it
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(new String(line, 0, timeEnd, StandardCharsets.US_ASCII)).toInstant();
        } catch (DateTimeParseException e) {
            return;
        }
        String stream = new String(line, timeEnd + 1, sourceEnd - timeEnd - 1, StandardCharsets.US_ASCII);
        OutputSource source = switch (stream) {
            case "stdout" -> OutputSource.STDOUT;
            case "stderr" -> OutputSource.STDERR;
            default -> null;
        };
        if (source == null) {
            return;
        }
        boolean partial = line[sourceEnd + 1] == 'P';
        int contentStart = Math.min(line.length, sourceEnd + 3);
        Pending pending = pieces.get(source);
        if (pending == null) {
            pending = new Pending(time);
        }
        pending.content.write(line, contentStart, line.length - contentStart);
        if (partial) {
            pieces.put(source, pending);
        } else {
            pieces.remove(source);
            out.accept(new LogLine(pending.time, source, pending.content.toByteArray(), true));
        }
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
