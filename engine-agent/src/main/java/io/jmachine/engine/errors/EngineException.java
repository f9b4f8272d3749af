package io.jmachine.engine.errors;

/**
 * A failure of the engine, classified by {@link Kind} as moby's errdefs classify theirs, in Docker's wording
 * (e.g. "No such container: x"). It knows nothing of HTTP: the API maps each kind to its status in one place.
 */
public class EngineException extends RuntimeException {

    /** What went wrong, in the terms a caller reacts to (moby's errdefs). */
    public enum Kind {
        /** The object named does not exist. */
        NOT_FOUND,
        /** The object's state or another object refuses it (a running container, a taken name). */
        CONFLICT,
        /** The request itself is wrong (a bad parameter, an unparseable value). */
        INVALID,
        /** The object already is as asked (a started container started again). */
        NOT_MODIFIED,
        /** Not allowed on this object at all (a predefined network). */
        FORBIDDEN,
        /** Credentials were refused. */
        UNAUTHORIZED,
        /** The feature or service is not available here (swarm). */
        UNAVAILABLE,
        /** Not implemented for this configuration. */
        NOT_IMPLEMENTED,
        /** The engine or the host failed. */
        INTERNAL
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static EngineException notFound(String message) {
        return new EngineException(Kind.NOT_FOUND, message);
    }

    public static EngineException conflict(String message) {
        return new EngineException(Kind.CONFLICT, message);
    }

    public static EngineException invalid(String message) {
        return new EngineException(Kind.INVALID, message);
    }

    public static EngineException notModified(String message) {
        return new EngineException(Kind.NOT_MODIFIED, message);
    }

    public static EngineException forbidden(String message) {
        return new EngineException(Kind.FORBIDDEN, message);
    }

    public static EngineException unauthorized(String message) {
        return new EngineException(Kind.UNAUTHORIZED, message);
    }

    public static EngineException unavailable(String message) {
        return new EngineException(Kind.UNAVAILABLE, message);
    }

    public static EngineException notImplemented(String message) {
        return new EngineException(Kind.NOT_IMPLEMENTED, message);
    }

    public static EngineException internal(String message) {
        return new EngineException(Kind.INTERNAL, message);
    }
}
