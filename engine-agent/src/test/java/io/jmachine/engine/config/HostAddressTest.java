package io.jmachine.engine.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HostAddressTest {

    @Test
    void unixSockets() {
        assertEquals(new HostAddress.Unix(Path.of("/run/x.sock")), HostAddress.parse("unix:///run/x.sock"));
        assertThrows(ConfigException.class, () -> HostAddress.parse("unix://relative.sock"));
    }

    @Test
    void tcpAddresses() {
        assertEquals(new HostAddress.Tcp("127.0.0.1", 2376), HostAddress.parse("tcp://127.0.0.1:2376"));
        assertEquals(new HostAddress.Tcp("0.0.0.0", 2376), HostAddress.parse("tcp://0.0.0.0"));
        assertEquals(new HostAddress.Tcp("::1", 2376), HostAddress.parse("tcp://[::1]:2376"));
        assertEquals(new HostAddress.Tcp("0.0.0.0", 2375), HostAddress.parse("tcp://:2375"));
        assertEquals("tcp://[::1]:2376", HostAddress.parse("tcp://[::1]:2376").toString());
    }

    @Test
    void otherSchemesAndPathsAreRefused() {
        assertThrows(ConfigException.class, () -> HostAddress.parse("fd://"));
        assertThrows(ConfigException.class, () -> HostAddress.parse("/run/x.sock"));
        assertThrows(ConfigException.class, () -> HostAddress.parse("tcp://127.0.0.1:2376/path"));
    }
}
