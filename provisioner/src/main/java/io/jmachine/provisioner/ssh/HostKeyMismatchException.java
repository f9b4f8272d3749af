package io.jmachine.provisioner.ssh;

/** The host presented another key than the one pinned: never retried, never accepted silently. */
public final class HostKeyMismatchException extends SshException {

    public HostKeyMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
