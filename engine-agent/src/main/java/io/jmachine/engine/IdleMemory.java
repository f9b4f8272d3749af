package io.jmachine.engine;

import io.jmachine.engine.linux.NativeHeap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives memory back once a burst of work is over: when the engine has worked and then been quiet for {@link #QUIET},
 * one full collection shrinks the heap (SerialGC uncommits what MaxHeapFreeRatio leaves over, all at once with the
 * launcher's -XX:-ShrinkHeapInSteps) and malloc_trim returns the C heap's free pages. Without it the engine keeps
 * its peak footprint after a load: SerialGC resizes the heap only when it collects the old generation, which an
 * idle engine allocates too little to ever reach. Between bursts nothing wakes up: a timer that ticked while idle
 * would keep the virtual-thread scheduler's spare carrier threads (one per blocked thread at the peak) alive.
 */
final class IdleMemory implements AutoCloseable {

    static final Duration QUIET = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(IdleMemory.class);

    private final Duration quiet;
    private final Runnable giveBack;
    /** System.nanoTime() of the last touch. */
    private final AtomicLong lastTouch = new AtomicLong(System.nanoTime());
    private final AtomicBoolean waiting = new AtomicBoolean();
    private volatile Thread waiter;
    private volatile boolean closed;

    IdleMemory() {
        this(QUIET, IdleMemory::collectAndTrim);
    }

    IdleMemory(Duration quiet, Runnable giveBack) {
        this.quiet = quiet;
        this.giveBack = giveBack;
    }

    /**
     * The engine works (a request starts or ends): waits for the next quiet spell unless a wait is under way. A touch
     * that comes as a wait ends is not lost for long: every request touches again when it ends.
     */
    void touch() {
        lastTouch.set(System.nanoTime());
        if (!closed && waiting.compareAndSet(false, true)) {
            waiter = Thread.ofVirtual().name("idle-memory").start(this::waitForQuiet);
        }
    }

    private void waitForQuiet() {
        try {
            // quiet counts from the last touch: sleeping a whole QUIET again after any activity gave back only
            // 10 to 20 s after the last request
            long quietNanos = quiet.toNanos();
            long idleFor;
            while ((idleFor = System.nanoTime() - lastTouch.get()) < quietNanos) {
                Thread.sleep(Duration.ofNanos(quietNanos - idleFor));
            }
            if (!closed) {
                giveBack.run();
            }
        } catch (InterruptedException stopping) {
            // close()
        } finally {
            waiting.set(false);
        }
    }

    private static void collectAndTrim() {
        long before = Runtime.getRuntime().totalMemory();
        System.gc();
        boolean trimmed = NativeHeap.trim();
        LOG.debug("quiet: heap {} -> {} KiB committed{}", before / 1024, Runtime.getRuntime().totalMemory() / 1024,
                trimmed ? ", C heap trimmed" : "");
    }

    @Override
    public void close() {
        closed = true;
        Thread current = waiter;
        if (current != null) {
            current.interrupt();
        }
    }
}
