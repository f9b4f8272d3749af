package io.jmachine.engine;

import io.jmachine.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineServicesTest {

    @Test
    void theDefaultDataRootKeepsTheDefaultNamespacePrefix() {
        assertEquals("jm-", EngineServices.netnsPrefix(EngineConfig.DEFAULT_DATA_ROOT));
    }

    @Test
    void otherDataRootsGetPrefixesThatNoOtherEnginesSweepMatches() {
        String one = EngineServices.netnsPrefix(Path.of("/tmp/a/data"));
        String two = EngineServices.netnsPrefix(Path.of("/tmp/b/data"));
        assertNotEquals(one, two);
        assertEquals(one, EngineServices.netnsPrefix(Path.of("/tmp/a/data")), "stable across restarts");
        assertTrue(one.matches("jm[0-9a-f]{6}-"), one);
        assertFalse(one.startsWith("jm-"), "the default engine's sweep (jm-*) must not match it");
    }
}
