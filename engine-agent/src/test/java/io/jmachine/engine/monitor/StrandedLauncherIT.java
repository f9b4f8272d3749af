package io.jmachine.engine.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrandedLauncherIT {

    @TempDir
    Path dir;

    @Test
    void aLauncherThatAKilledEngineLeftWaitingOnItsFifoIsKilledAndAnotherEnginesIsNot() throws Exception {
        Process ours = waitingLauncher(dir.resolve("exec/monitor"));
        Process theirs = waitingLauncher(dir.resolve("other-exec/monitor"));
        try {
            Thread.sleep(200); // both are in open(2) of their FIFO now, as after an engine's kill
            assertTrue(ours.isAlive() && theirs.isAlive());

            assertEquals(1, ConmonLauncher.killStranded(dir.resolve("exec/monitor")));
            assertTrue(ours.waitFor(10, TimeUnit.SECONDS), "the stranded launcher is gone");
            assertTrue(theirs.isAlive(), "another engine's launcher is its own");
        } finally {
            ours.destroyForcibly();
            theirs.destroyForcibly();
        }
    }

    /** The launcher as ConmonLauncher starts it, with a conmon that never comes: nobody opens the FIFO's other end. */
    private static Process waitingLauncher(Path stateRoot) throws Exception {
        Path state = Files.createDirectories(stateRoot.resolve("c1"));
        Path fifo = state.resolve("sync.fifo");
        Libc.mkfifo(fifo);
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", ConmonLauncher.SYNC_ONLY, "sh", "/bin/true",
                "-p", state.resolve("container.pid").toString());
        builder.environment().put("JM_SYNC_FIFO", fifo.toString());
        return builder.start();
    }
}
