package io.jmachine.engine.network;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NetworkModeTest {

    @Test
    void readsDockersNetworkModes() {
        assertEquals(new NetworkMode.Bridge("bridge"), NetworkMode.parse(null));
        assertEquals(new NetworkMode.Bridge("bridge"), NetworkMode.parse(""));
        assertEquals(new NetworkMode.Bridge("bridge"), NetworkMode.parse("default"));
        assertEquals(new NetworkMode.Bridge("bridge"), NetworkMode.parse("bridge"));
        assertEquals(new NetworkMode.None(), NetworkMode.parse("none"));
        assertEquals(new NetworkMode.Host(), NetworkMode.parse("host"));
        assertEquals("none", NetworkMode.parse("none").name());
    }

    @Test
    void anyOtherNameIsAUserNetworkForTheRegistryToResolve() {
        assertEquals(new NetworkMode.Bridge("mynet"), NetworkMode.parse("mynet"));
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class, () -> NetworkMode.parse("container:abc")).kind());
    }
}
