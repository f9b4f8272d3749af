package io.jmachine.engine.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Caps how far a layer may expand: a few compressed kilobytes can unpack to terabytes, so the uncompressed tar
 * is cut off past a limit with an error instead of filling the disk.
 */
final class BoundedStream extends FilterInputStream {

    private final long limit;
    private final String what;
    private long count;

    BoundedStream(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw RegistryException.failed(what + " expands to more than " + limit + " bytes, the most one layer may "
                        + "unpack to on this engine: refused");
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 1 << 16)];
        return Math.max(0, read(buffer, 0, buffer.length));
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
