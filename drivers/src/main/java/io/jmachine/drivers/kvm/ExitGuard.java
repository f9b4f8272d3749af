package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps Ctrl-C or SIGTERM from ending jmachine in the middle of a libvirt call that makes something outside the store
 * (defining and starting the domain). libvirtd finishes a call whose client went away, so a create killed mid-call
 * could leave a domain defined after `rm` looked for it. While guarded, the JVM's exit waits for the call to return;
 * once the exit has begun, no guarded call starts. (SIGKILL cannot be held off; its window is one call's latency.)
 */
final class ExitGuard implements AutoCloseable {

    private static final long LONGEST_WAIT_SECONDS = 60;

    private final ReentrantLock lock = new ReentrantLock();
    private final Thread hook = new Thread(this::holdTheExit, "jmachine-exit-guard");
    private volatile boolean exiting;

    ExitGuard() {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            throw new DriverException("jmachine is exiting (interrupted); nothing more is made");
        }
    }

    /** Runs {@code call} unless jmachine is exiting; the exit waits until it returns. */
    void run(String what, Runnable call) {
        lock.lock();
        try {
            if (exiting) {
                throw new DriverException("jmachine is exiting: it did not " + what);
            }
            call.run();
        } finally {
            lock.unlock();
        }
    }

    private void holdTheExit() {
        try {
            if (lock.tryLock(LONGEST_WAIT_SECONDS, TimeUnit.SECONDS)) {
                exiting = true;
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs, and lets the exit go on as soon as no call is under way
        }
    }
}
