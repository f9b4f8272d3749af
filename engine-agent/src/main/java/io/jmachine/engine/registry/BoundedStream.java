package io.jmachine.engine.registry;

import io.jmachine.engine.image.ObservedInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * Caps how far a layer may expand: a few compressed kilobytes can unpack to terabytes, so the uncompressed tar
 * is cut off past a limit with an error instead of filling the disk.
 */
final class BoundedStream extends ObservedInputStream {

    private final long limit;
    private final String what;
    private long count;

    BoundedStream(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    @Override
    protected void consumed(byte[] buffer, int offset, int length) {
        count += length;
        if (count > limit) {
            throw RegistryException.failed(what + " expands to more than " + limit + " bytes, the most one layer may "
                    + "unpack to on this engine: refused");
        }
    }
}
