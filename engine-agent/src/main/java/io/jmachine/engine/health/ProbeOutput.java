package io.jmachine.engine.health;

import io.jmachine.engine.container.ContainerProcesses;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A probe's stdout and stderr together, as dockerd keeps them: the first {@link #LIMIT} bytes, then "..." when
 * there was more, so a chatty probe cannot bloat the container's record.
 */
final class ProbeOutput implements ContainerProcesses.OutputSink {

    static final int LIMIT = 4096;

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;

    @Override
    public synchronized void write(boolean stderr, byte[] bytes, int offset, int length) {
        int room = LIMIT - kept.size();
        if (length > room) {
            truncated = true;
        }
        kept.write(bytes, offset, Math.min(room, length));
    }

    synchronized String text() {
        String text = kept.toString(StandardCharsets.UTF_8);
        return truncated ? text + "..." : text;
    }
}
