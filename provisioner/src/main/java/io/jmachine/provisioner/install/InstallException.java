package io.jmachine.provisioner.install;

/** A provisioning step failed; the message names the step, the cause and what to do. */
public final class InstallException extends RuntimeException {

    private final String step;

    public InstallException(String step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
    }

    public String step() {
        return step;
    }
}
