package io.jmachine.engine.testing;

import java.time.Duration;

/** Polls a condition that an engine reaches asynchronously (a restart, an exit). */
public final class Await {

    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    public static void until(Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
