package io.jmachine.provisioner;

/** Where long operations say what they are doing, a line at a time (the CLI prints to stderr, prefixed with the machine). */
@FunctionalInterface
public interface Progress {

    void report(String line);

    static Progress silent() {
        return line -> { };
    }
}
