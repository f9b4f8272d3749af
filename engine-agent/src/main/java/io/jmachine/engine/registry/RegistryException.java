package io.jmachine.engine.registry;

import io.jmachine.engine.errors.EngineException;

/**
 * A registry refused a request or sent something unusable. Its kind is what dockerd answers with (not found for
 * unknown manifests, blobs and repositories; unauthorized for refused credentials; internal otherwise), so that a
 * failure before a pull's stream begins reaches the client as dockerd's would.
 */
public final class RegistryException extends EngineException {

    public RegistryException(Kind kind, String message) {
        super(kind, message);
    }

    public static RegistryException notFound(String message) {
        return new RegistryException(Kind.NOT_FOUND, message);
    }

    public static RegistryException unauthorized(String message) {
        return new RegistryException(Kind.UNAUTHORIZED, message);
    }

    /** Nothing answered at the registry's address: no registry said anything about the image. */
    public static RegistryException unreachable(String message) {
        return new RegistryException(Kind.INTERNAL, message);
    }

    public static RegistryException failed(String message) {
        return new RegistryException(Kind.INTERNAL, message);
    }
}
