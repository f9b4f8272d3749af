package io.jmachine.engine.ports;

/** A host port could not be opened; {@code inUse} when the kernel said another socket holds it. */
final class BindFailure extends Exception {

    private final boolean inUse;

    BindFailure(String message, boolean inUse, Throwable cause) {
        super(message, cause);
        this.inUse = inUse;
    }

    boolean inUse() {
        return inUse;
    }

    static BindFailure of(Throwable cause) {
        String text = String.valueOf(cause.getMessage());
        boolean inUse = cause instanceof java.net.BindException || text.contains("Address already in use");
        return new BindFailure(inUse ? "address already in use" : text, inUse, cause);
    }
}
