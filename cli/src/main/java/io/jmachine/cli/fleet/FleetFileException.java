package io.jmachine.cli.fleet;

/** A fleet file that cannot be used: the message names the file, where (line and column where known) and what to fix. */
public final class FleetFileException extends RuntimeException {

    public FleetFileException(String message) {
        super(message);
    }
}
