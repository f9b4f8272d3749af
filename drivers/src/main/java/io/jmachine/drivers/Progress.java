package io.jmachine.drivers;

/**
 * Where long operations say what they are doing. The CLI prints phases as lines on stderr, prefixed with the
 * machine; a wait's state as one line that changes in place on a terminal; details only with -D.
 */
public interface Progress {

    /** A phase begun or done: always shown, as a line. */
    void report(String line);

    /** How a wait or a transfer is going (an attempt, a percentage): one line that changes in place; -D shows each. */
    default void status(String line) {
    }

    /** What only -D shows: a tool's own output, each retry. */
    default void detail(String line) {
    }

    static Progress silent() {
        return line -> { };
    }
}
