package io.jmachine.engine.api;

/**
 * A failure of HTTP itself, with no engine meaning: a method a path does not take, a body or header too large.
 * The engine's own failures are {@link io.jmachine.engine.errors.EngineException}s, given their status by
 * {@link ErrorStatus}.
 */
final class ApiException extends RuntimeException {

    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
