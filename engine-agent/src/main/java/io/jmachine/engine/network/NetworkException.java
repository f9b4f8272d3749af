package io.jmachine.engine.network;

/**
 * Setting up or tearing down a container's network failed on the host (a tool failed, a file could not
 * be written). The engine's fault, not the client's: the API answers 500 with this message.
 */
public class NetworkException extends RuntimeException {

    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
