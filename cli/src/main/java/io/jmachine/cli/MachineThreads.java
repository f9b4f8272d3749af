package io.jmachine.cli;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads a verb asks its machines on, one per machine. Platform threads, not virtual ones: virtual threads doing
 * socket I/O start the JDK's epoll poller thread, which stays in native code, and a JVM with a thread in native code
 * waits 300 ms before it exits (VM_Exit's wait for threads in native): a third of `ls`'s wall time.
 */
final class MachineThreads {

    private MachineThreads() {
    }

    /** Daemon threads, so a machine that never answers does not keep the CLI alive after its timeout. */
    static ExecutorService perMachine() {
        return Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("machine-", 0).factory());
    }
}
