package io.jmachine.provisioner.ssh;

/** An SSH connection, command or transfer failed; the message names the host and the command. */
public class SshException extends RuntimeException {

    public SshException(String message) {
        super(message);
    }

    public SshException(String message, Throwable cause) {
        super(message, cause);
    }
}
