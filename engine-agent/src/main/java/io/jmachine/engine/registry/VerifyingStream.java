package io.jmachine.engine.registry;

import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.ObservedInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * A blob as it downloads: counted (for progress), hashed, and held to its descriptor. More bytes than the
 * descriptor's size fail at once; at the end {@link #verify()} fails on too few bytes (a truncated blob) or
 * another digest. A pull cancelled elsewhere (another layer failed) fails the next read.
 */
final class VerifyingStream extends ObservedInputStream {

    private final Descriptor expected;
    private final MessageDigest sha = Digest.sha256();
    private final LongConsumer progress;
    private final AtomicBoolean cancelled;
    private long count;

    VerifyingStream(InputStream in, Descriptor expected, LongConsumer progress, AtomicBoolean cancelled) {
        super(in);
        this.expected = expected;
        this.progress = progress;
        this.cancelled = cancelled;
    }

    @Override
    protected int readChunk(byte[] buffer, int offset, int length) throws IOException {
        if (cancelled.get()) {
            throw new IOException("pull cancelled: another layer failed");
        }
        try {
            return in.read(buffer, offset, length);
        } catch (IOException e) {
            throw new IOException("downloading blob " + expected.digest() + " failed after " + count + " of " + expected.size()
                    + " bytes: " + e.getMessage(), e);
        }
    }

    @Override
    protected void consumed(byte[] buffer, int offset, int length) {
        count += length;
        if (count > expected.size()) {
            throw RegistryException.failed("blob " + expected.digest() + " is longer than the " + expected.size()
                    + " bytes its descriptor says: refused");
        }
        sha.update(buffer, offset, length);
        progress.accept(count);
    }

    /** Reads what the decompressor left and checks size and digest. */
    void verify() throws IOException {
        transferTo(OutputStream.nullOutputStream());
        if (count != expected.size()) {
            throw RegistryException.failed("blob " + expected.digest() + " was truncated: the registry sent " + count + " of "
                    + expected.size() + " bytes");
        }
        Digest actual = new Digest(HexFormat.of().formatHex(sha.digest()));
        if (!actual.equals(expected.digest())) {
            throw RegistryException.failed("blob " + expected.digest() + " failed verification: its content has digest " + actual
                    + " (filesystem layer verification failed): refused");
        }
    }

    /**
     * The error to report when unpacking failed midway: a short or altered blob says so (that is the cause), a
     * blob that is as described but cannot be unpacked is named with the unpacker's complaint.
     */
    IOException explain(IOException unpackFailure) {
        try {
            verify();
        } catch (RegistryException blobIsWrong) {
            return new IOException(blobIsWrong.getMessage(), unpackFailure);
        } catch (IOException unreadable) {
            return unreadable;
        }
        return new IOException("blob " + expected.digest() + " is not a layer this engine can unpack: " + unpackFailure.getMessage(),
                unpackFailure);
    }
}
