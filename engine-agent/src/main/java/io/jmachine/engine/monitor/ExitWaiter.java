package io.jmachine.engine.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a monitored process's exit code: conmon writes it to the exit directory (by rename, so
 * an inotify create event announces it whole). If conmon itself dies (kill -9, OOM) no exit file
 * ever comes: once the process is gone too, the exit is recorded as 255, the code dockerd gives a
 * container whose shim was lost.
 */
final class ExitWaiter {

    /** The code recorded for a process whose monitor died before it could say. */
    static final int LOST_EXIT_CODE = 255;
    /** How often to look whether conmon is still alive; its death makes no file event. */
    private static final long LIVENESS_CHECK_MILLIS = 500;

    private ExitWaiter() {
    }

    static Optional<Integer> await(ExitWatch exits, MonitorState state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ExitWatch.Folder folder;
        try {
            Files.createDirectories(state.exitDir());
            folder = exits.register(state.exitDir());
        } catch (IOException e) {
            throw new MonitorException("cannot watch " + state.exitDir() + ": " + e.getMessage(), e);
        }
        try {
            while (true) {
                // counted before looking, so that a file that comes after the look wakes the wait below
                long seen = folder.events();
                Optional<Integer> code = state.exitCode();
                if (code.isPresent()) {
                    return code;
                }
                if (lost(state)) {
                    return lostExit(state);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                folder.awaitAfter(seen, Math.min(TimeUnit.NANOSECONDS.toMillis(remaining) + 1, LIVENESS_CHECK_MILLIS));
            }
        } finally {
            exits.release(folder);
        }
    }

    /** Records (once) and returns the exit code of a process whose conmon died without one. */
    static Optional<Integer> lostExit(MonitorState state) {
        try {
            state.recordLostExit(LOST_EXIT_CODE);
        } catch (IOException e) {
            throw new MonitorException("cannot record the lost exit in " + state.exitDir() + ": " + e.getMessage(), e);
        }
        return state.exitCode();
    }

    /** conmon is gone without an exit file, and so is the process it watched. */
    static boolean lost(MonitorState state) {
        if (state.conmonAlive() || state.exitCode().isPresent()) {
            return false;
        }
        return !processAlive(state.pid());
    }

    static boolean processAlive(OptionalLong pid) {
        if (pid.isEmpty()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid.getAsLong()), "stat"), StandardCharsets.US_ASCII);
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }
}
