package io.jmachine.engine.runtime;

import io.jmachine.engine.api.ApiException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SignalsTest {

    @Test
    void namesAndNumbers() {
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(15, Signals.parse("sigterm"));
        assertEquals(1, Signals.parse("hup"));
        assertEquals(10, Signals.parse("10"));
        assertEquals(37, Signals.parse("RTMIN+3"));
        assertEquals(62, Signals.parse("SIGRTMAX-2"));
    }

    @Test
    void unknownSignalsAreA400() {
        ApiException e = assertThrows(ApiException.class, () -> Signals.parse("FOO"));
        assertEquals(400, e.status());
        assertEquals("Invalid signal: FOO", e.getMessage());
        assertThrows(ApiException.class, () -> Signals.parse("0"));
        assertThrows(ApiException.class, () -> Signals.parse("65"));
        assertThrows(ApiException.class, () -> Signals.parse("RTMIN+40"));
    }
}
