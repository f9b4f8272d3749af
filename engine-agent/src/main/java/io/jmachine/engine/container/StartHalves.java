package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** The halves of a container's start that run alongside its create (the network's, the root's mount), joined. */
final class StartHalves {

    private StartHalves() {
    }

    /** A half of a start that ran alongside (the network's, the root's mount), or its failure as thrown there. */
    static <T> T joined(Future<T> half, String what) {
        try {
            return half.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.unavailable("interrupted while " + what + " of the container");
        }
    }

    /** Before undoing a failed start: the half must have ended; its failure (it undid its own steps), or null. */
    static RuntimeException settle(Future<?> half) {
        if (half == null) {
            return null;
        }
        try {
            half.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
