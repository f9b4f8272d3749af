package io.jmachine.provisioner.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeWarmUpTest {

    @Test
    void theWarmUpEndsOnItsOwnThread() throws InterruptedException {
        Thread warmUp = HandshakeWarmUp.start();
        assertTrue(warmUp.isDaemon(), "never keeps the CLI's JVM running");
        assertTrue(warmUp.join(java.time.Duration.ofSeconds(30)));
    }

    @Test
    void thePublicCaListItLoadsAheadIsStillThisJdksClass() {
        // when a JDK renames it, the warm-up silently does less: this says so
        assertDoesNotThrow(() -> Class.forName("sun.security.util.AnchorCertificates", false, null));
    }
}
