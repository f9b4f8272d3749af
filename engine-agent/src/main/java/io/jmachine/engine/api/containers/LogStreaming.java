package io.jmachine.engine.api.containers;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.HijackedStream;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.container.ContainerProcesses;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** `docker logs`: log entries framed like attach output (8-byte headers unless TTY), with Docker's options. */
final class LogStreaming {

    record Options(boolean tty, boolean stdout, boolean stderr, boolean timestamps, int tail, Instant since, Instant until,
                   boolean follow) {}

    private LogStreaming() {
    }

    static void stream(ContainerProcesses.LogSource source, ResponseStream out, Options options) throws IOException, InterruptedException {
        try {
            source.read(options.tail(), options.since(), options.until(), options.follow(), entry -> {
                if (entry.stderr() ? !options.stderr() : !options.stdout()) {
                    return true;
                }
                if (!out.isOpen()) {
                    return false;
                }
                try {
                    out.write(frame(entry, options.tty(), options.timestamps()));
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** attach with logs=1: what was written before, then the live stream continues. */
    static void replay(ContainerProcesses.LogSource source, HijackedStream out, boolean tty, boolean stdout, boolean stderr)
            throws IOException, InterruptedException {
        source.read(-1, null, null, false, entry -> {
            if (entry.stderr() ? !stderr : !stdout) {
                return true;
            }
            try {
                out.write(entry.stderr() ? HijackedStream.Stream.STDERR : HijackedStream.Stream.STDOUT, entry.line());
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static byte[] frame(ContainerProcesses.LogSource.Entry entry, boolean tty, boolean timestamps) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        if (timestamps) {
            payload.writeBytes((entry.time().toString() + " ").getBytes(StandardCharsets.UTF_8));
        }
        payload.writeBytes(entry.line());
        byte[] body = payload.toByteArray();
        if (tty) {
            return body;
        }
        byte[] framed = new byte[8 + body.length];
        framed[0] = (byte) (entry.stderr() ? 2 : 1);
        framed[4] = (byte) (body.length >>> 24);
        framed[5] = (byte) (body.length >>> 16);
        framed[6] = (byte) (body.length >>> 8);
        framed[7] = (byte) body.length;
        System.arraycopy(body, 0, framed, 8, body.length);
        return framed;
    }

    /** "all", empty or absent mean every line. */
    static int tail(String value) {
        if (value == null || value.isEmpty() || value.equals("all")) {
            return -1;
        }
        try {
            int n = Integer.parseInt(value);
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid value for tail: " + value);
        }
    }

    /** Docker sends since/until as unix seconds with an optional fraction ("1700000000.123456789"). */
    static Instant time(String value) {
        if (value == null || value.isEmpty() || value.equals("0")) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(value);
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid time value: " + value);
        }
    }
}
