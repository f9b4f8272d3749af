package io.jmachine.engine.api;

import io.jmachine.engine.errors.EngineException;

/** The one place where an engine failure's kind becomes an HTTP status, as moby's errdefs map theirs. */
final class ErrorStatus {

    private ErrorStatus() {
    }

    static int of(EngineException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
            case NOT_MODIFIED -> 304;
            case FORBIDDEN -> 403;
            case UNAUTHORIZED -> 401;
            case UNAVAILABLE -> 503;
            case NOT_IMPLEMENTED -> 501;
            case INTERNAL -> 500;
        };
    }

    static int of(RuntimeException e) {
        return e instanceof EngineException engine ? of(engine.kind()) : e instanceof ApiException api ? api.status() : 500;
    }
}
