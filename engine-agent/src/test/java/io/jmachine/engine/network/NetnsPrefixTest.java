package io.jmachine.engine.network;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Engines on one host sweep only their own namespaces: each data root names them with a prefix of its own. */
class NetnsPrefixTest {

    @Test
    void eachDataRootHasItsOwnStablePrefix() {
        String one = NetworkSettings.defaults(Path.of("/tmp/a/data")).netnsPrefix();
        String two = NetworkSettings.defaults(Path.of("/tmp/b/data")).netnsPrefix();
        assertNotEquals(one, two);
        assertEquals(one, NetworkSettings.defaults(Path.of("/tmp/a/data")).netnsPrefix(), "stable across restarts");
        assertTrue(one.matches("jm[0-9a-f]{6}-"), one);
    }
}
