package io.jmachine.engine.build;

/**
 * A build that cannot go on: a bad Dockerfile, a missing file, a failing RUN. Its message is what the client
 * shows; {@code code} is the failing command's exit code (Docker's errorDetail.code), 0 when none.
 */
public final class BuildException extends RuntimeException {

    private final int code;

    public BuildException(String message) {
        this(message, 0);
    }

    public BuildException(String message, int code) {
        super(message);
        this.code = code;
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
        this.code = 0;
    }

    public int code() {
        return code;
    }
}
