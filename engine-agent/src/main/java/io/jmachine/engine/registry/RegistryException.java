package io.jmachine.engine.registry;

import io.jmachine.engine.api.ApiException;

/**
 * A registry refused a request or sent something unusable. It carries the status dockerd answers with
 * (404 for unknown manifests, blobs and repositories; 401 for refused credentials; 500 otherwise), so that a
 * failure before a pull's stream begins reaches the client as dockerd's would.
 */
public final class RegistryException extends ApiException {

    public RegistryException(int status, String message) {
        super(status, message);
    }

    /** Nothing answered at the registry's address: no registry said anything about the image. */
    public static RegistryException unreachable(String message) {
        return new RegistryException(500, message);
    }

    public static RegistryException failed(String message) {
        return new RegistryException(500, message);
    }
}
