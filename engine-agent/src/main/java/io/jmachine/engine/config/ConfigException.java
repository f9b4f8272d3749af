package io.jmachine.engine.config;

/** The engine's flags or config file say something it cannot start with; the message says what to change. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
