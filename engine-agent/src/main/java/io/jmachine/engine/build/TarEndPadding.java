package io.jmachine.engine.build;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Completes a tar that stops right after its last file's data. The docker CLI sends such contexts when it adds
 * a Dockerfile from stdin (its tar rewriter drops the last padding and the end-of-archive blocks); Go's reader,
 * and so dockerd, takes that as a clean end, commons-compress calls it truncated. After the real end this
 * stream yields zeros up to the next 512-byte record and two more empty records.
 */
final class TarEndPadding extends FilterInputStream {

    private static final int RECORD = 512;

    private long count;
    private long padding = -1;

    TarEndPadding(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (padding < 0) {
            int n = super.read(buffer, offset, length);
            if (n >= 0) {
                count += n;
                return n;
            }
            padding = (RECORD - count % RECORD) % RECORD + 2L * RECORD;
        }
        if (padding == 0) {
            return -1;
        }
        int n = (int) Math.min(length, padding);
        java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
        padding -= n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        int read = read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }
}
