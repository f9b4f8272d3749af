package io.jmachine.cli;

import io.jmachine.drivers.Progress;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * stderr as progress reaches it: phases as lines; the state of a wait as one line that changes in place on a
 * terminal (left out elsewhere, where a line per attempt would only be noise); details only with -D, which
 * also prints every state as a line. One per process, shared by the machines a verb acts on.
 */
final class ProgressOutput {

    private static final String CLEAR_LINE = "\r\033[2K";
    private static final int DEFAULT_WIDTH = 100;

    private final PrintWriter err;
    private final boolean terminal;
    private final boolean debug;
    private final int width;
    private boolean statusShown;

    ProgressOutput(PrintWriter err, boolean terminal, boolean debug, int width) {
        this.err = err;
        this.terminal = terminal;
        this.debug = debug;
        this.width = width;
    }

    /** For this process's stderr: whether it is a terminal, and how wide (COLUMNS, when the shell exports it). */
    static ProgressOutput forStderr(PrintWriter err, boolean debug, String columns) {
        int width = DEFAULT_WIDTH;
        try {
            width = columns == null ? DEFAULT_WIDTH : Integer.parseInt(columns.trim());
        } catch (NumberFormatException e) {
            // keep the default
        }
        return new ProgressOutput(err, stderrIsTerminal(), debug, width);
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    Progress forMachine(String machine) {
        String prefix = "(" + machine + ") ";
        return new Progress() {
            @Override
            public void report(String line) {
                line(prefix + line);
            }

            @Override
            public void status(String line) {
                ProgressOutput.this.status(prefix + line);
            }

            @Override
            public void detail(String line) {
                if (debug) {
                    line(prefix + line);
                }
            }
        };
    }

    synchronized void line(String line) {
        clearStatus();
        err.println(line);
        err.flush();
    }

    synchronized void status(String line) {
        if (debug) {
            line(line);
        } else if (terminal) {
            String shown = line.length() < width ? line : line.substring(0, Math.max(1, width - 2)) + "…";
            err.print(CLEAR_LINE + shown);
            err.flush();
            statusShown = true;
        }
    }

    /** Takes a status line away, so that what comes next (a line, an error) starts at the left. */
    synchronized void clearStatus() {
        if (statusShown) {
            err.print(CLEAR_LINE);
            err.flush();
            statusShown = false;
        }
    }
}
