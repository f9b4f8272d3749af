package io.jmachine.engine.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that sees every byte read through it, for the checks of blobs and layers (hash, count, cap, copy):
 * subclasses act in {@link #consumed}. Single-byte reads and skips go through the same path, and mark/reset is
 * off, so no byte reaches the reader without passing the check.
 */
public abstract class ObservedInputStream extends FilterInputStream {

    protected ObservedInputStream(InputStream in) {
        super(in);
    }

    /** Called with each chunk as it is read, before the reader gets it; throw to refuse the stream. */
    protected abstract void consumed(byte[] buffer, int offset, int length) throws IOException;

    /** Reads one chunk from the wrapped stream; override to check state first or to name the failure better. */
    protected int readChunk(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] buffer, int offset, int length) throws IOException {
        int n = readChunk(buffer, offset, length);
        if (n > 0) {
            consumed(buffer, offset, n);
        }
        return n;
    }

    @Override
    public final long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        byte[] buffer = new byte[(int) Math.min(n, 1 << 16)];
        return Math.max(0, read(buffer, 0, buffer.length));
    }

    @Override
    public final boolean markSupported() {
        return false;
    }
}
