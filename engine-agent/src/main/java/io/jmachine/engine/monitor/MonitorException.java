package io.jmachine.engine.monitor;

/** A container's monitor could not do what was asked: the message says what failed and on what. */
public class MonitorException extends RuntimeException {

    public MonitorException(String message) {
        super(message);
    }

    public MonitorException(String message, Throwable cause) {
        super(message, cause);
    }
}
