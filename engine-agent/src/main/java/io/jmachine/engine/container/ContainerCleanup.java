package io.jmachine.engine.container;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Frees what an ended or removed container held (monitor and runtime state, network, mounts, folders) off the
 * request path, so that `docker run --rm` and `wait` answer as soon as the process has ended. Steps for one
 * container run in order; a start of that container waits for them. What a crash interrupts, the next
 * engine start finds and frees again: every step is idempotent.
 */
final class ContainerCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerCleanup.class);

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cleanup-", 0).factory());
    private final Map<String, CompletableFuture<Void>> chains = new ConcurrentHashMap<>();

    /** Queues a step after the container's earlier ones; a failed step is logged and does not stop the next. */
    void after(String id, String what, Runnable step) {
        chains.compute(id, (key, previous) -> {
            CompletableFuture<Void> start = previous == null ? CompletableFuture.completedFuture(null) : previous;
            CompletableFuture<Void> next = start.handleAsync((ignored, failure) -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.warn("{} of container {} failed: {}", what, id.substring(0, Math.min(12, id.length())), e.getMessage());
                }
                return null;
            }, executor);
            next.whenComplete((ignored, failure) -> chains.remove(id, next));
            return next;
        });
    }

    /** Waits for the container's queued steps, e.g. before it starts again. */
    void await(String id) {
        CompletableFuture<Void> pending = chains.get(id);
        if (pending != null) {
            pending.join();
        }
    }

    /** Waits for everything queued, for an orderly engine stop. */
    void drain() {
        CompletableFuture.allOf(chains.values().toArray(CompletableFuture[]::new)).join();
        executor.shutdown();
    }
}
