package io.jmachine.drivers;

/** The pre-create check failed: nothing was created. `jmachine create` exits with 3, as Docker Machine. */
public final class PreCreateCheckException extends DriverException {

    public PreCreateCheckException(String message) {
        super(message);
    }
}
