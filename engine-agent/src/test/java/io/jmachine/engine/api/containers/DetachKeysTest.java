package io.jmachine.engine.api.containers;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetachKeysTest {

    @Test
    void theDefaultSequenceDetachesAndIsNotForwarded() {
        DetachKeys keys = DetachKeys.parse(null);
        DetachKeys.Scan scan = keys.scan(new byte[] {'l', 's', 0x10, 0x11, 'x'});
        assertTrue(scan.detach());
        assertArrayEquals(new byte[] {'l', 's'}, scan.forward());
    }

    @Test
    void aSequenceSplitAcrossChunksStillDetaches() {
        DetachKeys keys = DetachKeys.parse("ctrl-p,ctrl-q");
        DetachKeys.Scan first = keys.scan(new byte[] {'a', 0x10});
        assertFalse(first.detach());
        assertArrayEquals(new byte[] {'a'}, first.forward());
        assertTrue(keys.scan(new byte[] {0x11}).detach());
    }

    @Test
    void aPrefixFollowedByOtherInputIsForwardedWhole() {
        DetachKeys keys = DetachKeys.parse(null);
        DetachKeys.Scan scan = keys.scan(new byte[] {0x10, 'q', 0x10, 0x10});
        assertFalse(scan.detach());
        assertArrayEquals(new byte[] {0x10, 'q', 0x10}, scan.forward());
    }

    @Test
    void customKeysAndBadOnes() {
        assertTrue(DetachKeys.parse("ctrl-a,x").scan(new byte[] {1, 'x'}).detach());
        assertThrows(EngineException.class, () -> DetachKeys.parse("ctrl-1"));
        assertThrows(EngineException.class, () -> DetachKeys.parse("meta-a"));
    }

    @Test
    void singleKeysAreTakenAsTheyAreAndCtrlNamesAsMobyTermReadsThem() {
        assertArrayEquals(new byte[] {'X', 27, 0, 31}, DetachKeys.toBytes("X,ctrl-[,ctrl-@,ctrl-_"));
        assertThrows(IllegalArgumentException.class, () -> DetachKeys.toBytes("ctrl-"));
        assertThrows(IllegalArgumentException.class, () -> DetachKeys.toBytes("a,,b"));
        assertTrue(DetachKeys.of(new byte[0]).scan(new byte[] {0x10, 0x11}).detach(), "none given: ctrl-p ctrl-q");
    }
}
