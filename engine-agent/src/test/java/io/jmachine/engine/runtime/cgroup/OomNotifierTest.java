package io.jmachine.engine.runtime.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v2 notifications on a memory.events file made here (inotify works the same on any file); v1's eventfd
 * needs a real memory cgroup, which OomKillIT gives it.
 */
class OomNotifierTest {

    @Test
    void v2WakesWhenMemoryEventsChangesAndNotAfterTheWatchIsClosed(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("docker/abc"));
        Path events = dir.resolve("memory.events");
        Files.writeString(events, "oom 0\noom_kill 0\n");
        Semaphore wakes = new Semaphore(0);
        OomNotifier notifier = new OomNotifier(new CgroupLayout.V2(new CgroupLayout.Hierarchy(root, "/")));
        OomNotifier.Watch watch = notifier.watch("/docker/abc", wakes::release);
        try {
            Files.writeString(events, "oom 1\noom_kill 1\n");
            assertTrue(wakes.tryAcquire(10, TimeUnit.SECONDS), "no wake-up after memory.events changed");
        } finally {
            watch.close();
        }
        wakes.drainPermits();
        Files.writeString(events, "oom 2\noom_kill 2\n");
        assertFalse(wakes.tryAcquire(500, TimeUnit.MILLISECONDS), "a closed watch still woke");
    }

    @Test
    void watchingACgroupThatIsNotThereIsAnErrorNamingTheFile(@TempDir Path root) {
        OomNotifier notifier = new OomNotifier(new CgroupLayout.V2(new CgroupLayout.Hierarchy(root, "/")));
        IOException e = assertThrows(IOException.class, () -> notifier.watch("/docker/gone", () -> { }));
        assertTrue(e.getMessage().contains(root.resolve("docker/gone/memory.events").toString()), e.getMessage());
    }
}
