package io.jmachine.engine.container;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The futures behind /containers/{id}/wait: the next exit of a container, and its removal. */
final class ExitSignals {

    private final Map<String, List<CompletableFuture<Integer>>> nextExit = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<Integer>>> removal = new ConcurrentHashMap<>();

    CompletableFuture<Integer> nextExit(String id) {
        CompletableFuture<Integer> future = new CompletableFuture<>();
        nextExit.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(future);
        return future;
    }

    CompletableFuture<Integer> removal(String id) {
        CompletableFuture<Integer> future = new CompletableFuture<>();
        removal.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(future);
        return future;
    }

    void exited(String id, int code) {
        List<CompletableFuture<Integer>> waiting = nextExit.remove(id);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(code));
        }
    }

    void removed(String id, int lastExitCode) {
        exited(id, lastExitCode);
        List<CompletableFuture<Integer>> waiting = removal.remove(id);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(lastExitCode));
        }
    }
}
