package io.jmachine.drivers;

/** A driver could not do what was asked; the message names the machine, what failed and what to do. */
public class DriverException extends RuntimeException {

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
