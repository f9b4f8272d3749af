package io.jmachine.engine.runtime;

import io.jmachine.engine.errors.EngineException;
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
        EngineException e = assertThrows(EngineException.class, () -> Signals.parse("FOO"));
        assertEquals(EngineException.Kind.INVALID, e.kind());
        assertEquals("Invalid signal: FOO", e.getMessage());
        assertThrows(EngineException.class, () -> Signals.parse("0"));
        assertThrows(EngineException.class, () -> Signals.parse("65"));
        assertThrows(EngineException.class, () -> Signals.parse("RTMIN+40"));
    }
}
