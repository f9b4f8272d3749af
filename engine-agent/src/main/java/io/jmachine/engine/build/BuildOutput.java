package io.jmachine.engine.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON messages of a build, as dockerd sends them: {@code {"stream":…}} lines, {@code {"aux":{"ID":…}}},
 * {@code {"errorDetail":…,"error":…}}. Quiet builds (q=1) hold the stream back and send only the image ID,
 * or, when the build fails, what was held back and the error, as dockerd does.
 */
public final class BuildOutput {

    /** Where messages go: one JSON object each. */
    @FunctionalInterface
    public interface Sink {
        void write(Map<String, Object> message) throws IOException;
    }

    private static final String STDERR_START = "\u001b[91m";
    private static final String STDERR_END = "\u001b[0m";

    private final Sink sink;
    private final boolean quiet;
    private final List<String> held = new ArrayList<>();

    public BuildOutput(Sink sink, boolean quiet) {
        this.sink = sink;
        this.quiet = quiet;
    }

    public synchronized void stream(String text) {
        if (quiet) {
            held.add(text);
        } else {
            send(Map.of("stream", text));
        }
    }

    /** A RUN's own output, as it comes; stderr in red, as the legacy builder marks it. */
    public void processOutput(boolean stderr, byte[] bytes, int offset, int length) {
        String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
        stream(stderr ? STDERR_START + text + STDERR_END : text);
    }

    public synchronized void aux(String imageId) {
        if (!quiet) {
            send(Map.of("aux", Map.of("ID", imageId)));
        }
    }

    /** A pull's progress line ({@code {"status":…,"progressDetail":…}}) while FROM fetches its base; quiet builds drop it. */
    public synchronized void progress(Map<String, Object> line) {
        if (!quiet) {
            send(line);
        }
    }

    /** The end of a quiet build: its image ID alone. */
    public synchronized void quietResult(String imageId) {
        if (quiet) {
            send(Map.of("stream", imageId + "\n"));
        }
    }

    public synchronized void error(String message, int code) {
        for (String text : held) {
            send(Map.of("stream", text));
        }
        held.clear();
        Map<String, Object> detail = new LinkedHashMap<>();
        if (code != 0) {
            detail.put("code", code);
        }
        detail.put("message", message);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("errorDetail", detail);
        error.put("error", message);
        send(error);
    }

    private void send(Map<String, Object> message) {
        try {
            sink.write(message);
        } catch (IOException e) {
            // the client went away: the build stops at its next output
            throw new UncheckedIOException("the build's client went away: " + e.getMessage(), e);
        }
    }
}
