package io.jmachine.engine.image;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeSha256Test {

    @Test
    void matchesJavasSha256AcrossChunkBoundariesAndStartsOverAfterDigest() throws Exception {
        MessageDigest fast = NativeSha256.create().orElseThrow(() -> new AssertionError("libcrypto is on every Debian host"));
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        for (int round = 0; round < 2; round++) {
            fast.update(data, 0, 1);
            fast.update(data[1]);
            fast.update(data, 2, 70_000);
            fast.update(data, 70_002, data.length - 70_002);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), fast.digest(), "round " + round);
        }
        assertTrue(Digest.of(new byte[2 << 20]).equals(new Digest(java.util.HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(new byte[2 << 20])))));
    }
}
