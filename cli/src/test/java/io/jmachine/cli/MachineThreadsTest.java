package io.jmachine.cli;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Virtual threads' socket I/O would start the poller thread that makes the JVM wait 300 ms at exit. */
class MachineThreadsTest {

    @Test
    void machinesAreAskedOnPlatformThreadsThatDoNotKeepTheCliAlive() throws Exception {
        try (ExecutorService executor = MachineThreads.perMachine()) {
            Thread thread = executor.submit(Thread::currentThread).get();
            assertFalse(thread.isVirtual(), "a virtual thread");
            assertTrue(thread.isDaemon(), "not a daemon");
        }
    }
}
