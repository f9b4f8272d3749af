package io.jmachine.provisioner.contexts;

/** A file of the docker CLI's configuration that jmachine cannot read or change; the message names it and says what to do. */
public final class DockerConfigException extends RuntimeException {

    public DockerConfigException(String message) {
        super(message);
    }

    public DockerConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
