package io.jmachine.drivers.none;

import io.jmachine.drivers.MachineState;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoneDriverTest {

    @Test
    void recordsATcpEngineUrl() {
        NoneDriver driver = new NoneDriver(URI.create("tcp://10.0.0.5:2376"));
        assertEquals("none", driver.name());
        assertEquals(URI.create("tcp://10.0.0.5:2376"), driver.engineUrl());
        assertEquals(MachineState.RUNNING, driver.state());
        assertEquals("Running", driver.state().display());
    }

    @Test
    void refusesAnUrlWithoutPortOrOfAnotherScheme() {
        var e = assertThrows(IllegalArgumentException.class, () -> new NoneDriver(URI.create("tcp://10.0.0.5")));
        assertTrue(e.getMessage().contains("tcp://HOST:PORT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NoneDriver(URI.create("http://10.0.0.5:2376")));
    }
}
