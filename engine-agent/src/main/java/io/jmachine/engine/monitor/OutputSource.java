package io.jmachine.engine.monitor;

/** Which of a process's output streams some output came from. */
public enum OutputSource {
    STDOUT, STDERR
}
