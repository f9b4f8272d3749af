package io.jmachine.engine.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request's body: small ones in memory, large ones (image tars, build contexts, docker cp) spooled to a
 * file so that no upload has to fit in the heap. Closed, and its file deleted, when the request ends.
 */
public final class RequestBody implements AutoCloseable {

    /** JSON bodies are read whole; anything bigger than this is an upload, to be streamed. */
    public static final int MAX_IN_MEMORY_READ = 16 * 1024 * 1024;

    private static final RequestBody EMPTY = new RequestBody(new byte[0], null, 0);

    private final byte[] memory;
    private final Path file;
    private final long length;

    private RequestBody(byte[] memory, Path file, long length) {
        this.memory = memory;
        this.file = file;
        this.length = length;
    }

    public static RequestBody empty() {
        return EMPTY;
    }

    public static RequestBody of(byte[] bytes) {
        return new RequestBody(bytes, null, bytes.length);
    }

    static RequestBody spooled(Path file, long length) {
        return new RequestBody(null, file, length);
    }

    public long length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** The whole body, for JSON and other small bodies; a 413 for uploads too big to read at once. */
    public byte[] bytes() {
        if (memory != null) {
            return memory;
        }
        if (length > MAX_IN_MEMORY_READ) {
            throw new ApiException(413, "request body of " + length + " bytes is too large for this endpoint (limit "
                    + MAX_IN_MEMORY_READ + ")");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled request body " + file, e);
        }
    }

    /** The body as a stream, whatever its size. */
    public InputStream stream() throws IOException {
        return memory != null ? new ByteArrayInputStream(memory) : Files.newInputStream(file);
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the spool folder is emptied at the next start
            }
        }
    }
}
