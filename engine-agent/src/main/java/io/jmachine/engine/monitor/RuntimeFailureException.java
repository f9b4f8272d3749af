package io.jmachine.engine.monitor;

/**
 * The OCI runtime refused: {@link #runtimeMessage()} is its own words (e.g. {@code exec:
 * "/no/such/binary": stat /no/such/binary: no such file or directory}), the message says which
 * operation failed, as Docker's "OCI runtime create failed: …".
 */
public final class RuntimeFailureException extends MonitorException {

    private final String runtimeMessage;

    public RuntimeFailureException(String operation, String runtimeMessage) {
        super("OCI runtime " + operation + " failed: " + runtimeMessage);
        this.runtimeMessage = runtimeMessage;
    }

    public String runtimeMessage() {
        return runtimeMessage;
    }
}
