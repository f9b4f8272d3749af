package io.jmachine.engine.monitor;

import io.jmachine.engine.fs.Folder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Ends a monitor and removes its files, leaving nothing behind: no conmon, no socket, no FIFO. */
final class MonitorTeardown {

    /** What conmon makes in the directory it is given as bundle: the attach socket and the control FIFOs. */
    private static final List<String> CONMON_FILES = List.of("attach", "ctl", "winsz");
    private static final long STEP_MILLIS = 20;

    private MonitorTeardown() {
    }

    /**
     * Ends the conmon of {@code state}: its process is killed (conmon exits when it has), and conmon
     * itself if it lingers past {@code grace}.
     */
    static void stopConmon(MonitorState state, Duration grace) {
        if (!state.conmonAlive()) {
            return;
        }
        state.pid().ifPresent(pid -> {
            if (ExitWaiter.processAlive(state.pid())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        });
        if (!awaitGone(state, grace)) {
            state.conmonPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            awaitGone(state, grace);
        }
    }

    private static boolean awaitGone(MonitorState state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state.conmonAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(STEP_MILLIS); // a short, bounded wait for a process that is not ours to reap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    static void deleteConmonFiles(Path bundle) {
        for (String name : CONMON_FILES) {
            try {
                Files.deleteIfExists(bundle.resolve(name));
            } catch (IOException e) {
                throw new MonitorException("cannot remove conmon's " + bundle.resolve(name) + ": " + e.getMessage(), e);
            }
        }
    }

    static void deleteTree(Path dir) {
        try {
            Folder.deleteTree(dir);
        } catch (IOException e) {
            throw new MonitorException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
