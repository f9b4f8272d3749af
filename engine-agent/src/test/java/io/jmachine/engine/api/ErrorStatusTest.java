package io.jmachine.engine.api;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorStatusTest {

    @Test
    void everyKindHasDockersStatus() {
        assertEquals(404, ErrorStatus.of(EngineException.Kind.NOT_FOUND));
        assertEquals(409, ErrorStatus.of(EngineException.Kind.CONFLICT));
        assertEquals(400, ErrorStatus.of(EngineException.Kind.INVALID));
        assertEquals(304, ErrorStatus.of(EngineException.Kind.NOT_MODIFIED));
        assertEquals(403, ErrorStatus.of(EngineException.Kind.FORBIDDEN));
        assertEquals(401, ErrorStatus.of(EngineException.Kind.UNAUTHORIZED));
        assertEquals(503, ErrorStatus.of(EngineException.Kind.UNAVAILABLE));
        assertEquals(501, ErrorStatus.of(EngineException.Kind.NOT_IMPLEMENTED));
        assertEquals(500, ErrorStatus.of(EngineException.Kind.INTERNAL));
    }

    @Test
    void anHttpFailureKeepsItsStatusAndAnythingElseIsA500() {
        assertEquals(405, ErrorStatus.of(new ApiException(405, "method GET is not allowed on /x")));
        assertEquals(500, ErrorStatus.of(new IllegalStateException("boom")));
    }
}
