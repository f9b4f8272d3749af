package io.jmachine.engine.network;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (ip, a CNI plugin) to completion and keeps what it printed. */
final class HostProcess {

    /** Long enough for a plugin waiting on host-local's lock file, short enough that a hung tool does not hang a request. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    record Outcome(List<String> command, int exitCode, String stdout, String stderr) {
        boolean succeeded() {
            return exitCode == 0;
        }

        /** What failed, for an exception message: the command, its exit code and what it said. */
        String describe() {
            String said = (stderr.isBlank() ? stdout : stderr).strip();
            return String.join(" ", command) + " exited with " + exitCode + (said.isEmpty() ? "" : ": " + said);
        }
    }

    private HostProcess() {
    }

    static Outcome run(List<String> command) {
        return run(command, Map.of(), null);
    }

    /**
     * @param environment added to (or, with a null value, removed from) this process's environment
     * @param stdin written to the tool's standard input, then closed; null for none
     */
    static Outcome run(List<String> command, Map<String, String> environment, byte[] stdin) {
        ProcessBuilder builder = new ProcessBuilder(command);
        environment.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new NetworkException("cannot run " + command.getFirst() + ": " + e.getMessage()
                    + " (install it; see scripts/install-host-packages.sh)", e);
        }
        try {
            // each pipe drains on its own thread: a tool filling one never blocks on the other, and a hung
            // tool is caught by the timeout rather than by a read that never returns
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Thread stdoutReader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), stdout));
            Thread stderrReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), stderr));
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException tooLate) {
                // the tool exited (or closed its stdin) before reading it all: its exit code and output say why
            }
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new NetworkException(String.join(" ", command) + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            // bounded: a daemon the tool left behind may hold the pipes open
            stdoutReader.join(Duration.ofSeconds(5));
            stderrReader.join(Duration.ofSeconds(5));
            return new Outcome(List.copyOf(command), process.exitValue(),
                    stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new NetworkException("interrupted while " + String.join(" ", command) + " ran", e);
        }
    }

    /** Runs the command and fails with its own words if it fails. */
    static Outcome runChecked(List<String> command) {
        Outcome outcome = run(command);
        if (!outcome.succeeded()) {
            throw new NetworkException(outcome.describe());
        }
        return outcome;
    }

    private static void drain(InputStream from, ByteArrayOutputStream to) {
        try (from) {
            from.transferTo(to);
        } catch (IOException e) {
            // the process died: what it wrote so far is all there is
        }
    }
}
