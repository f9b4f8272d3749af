package io.jmachine.engine.image;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DigestTest {

    private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest C = Digest.parse("sha256:" + "c".repeat(64));

    @Test
    void digestsAreSha256InOciForm() {
        assertEquals("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                Digest.of("hello".getBytes(StandardCharsets.US_ASCII)).toString());
        assertEquals("2cf24dba5fb0", Digest.of("hello".getBytes(StandardCharsets.US_ASCII)).shortHex());
    }

    @Test
    void theEmptyTarIsTheWellKnownEmptyLayer() {
        assertEquals("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef", Digest.EMPTY_TAR.toString());
    }

    @Test
    void chainIdsFollowTheOciDefinition() {
        // ChainID(L0) = DiffID(L0); ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)), values from Python's hashlib
        assertEquals(List.of(A,
                        Digest.parse("sha256:ccd722928bd92476ba1745586fed6e45a102504185ad88cd89e01ff116fd146c"),
                        Digest.parse("sha256:c1377126441fb2f5ec2c21ae2a60255331d639e830f0ee1b40a36e52d4c40588")),
                Digest.chainIds(List.of(A, B, C)));
        assertEquals(List.of(), Digest.chainIds(List.of()));
    }

    @Test
    void malformedDigestsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:abc"));
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("md5:" + "a".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:" + "A".repeat(64)));
    }
}
