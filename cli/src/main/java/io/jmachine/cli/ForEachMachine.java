package io.jmachine.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs a verb on several machines at once (Docker Machine's runActionForeachMachine); each failure is reported by name. */
final class ForEachMachine {

    interface Action {
        void run(String name) throws Exception;
    }

    private ForEachMachine() {
    }

    /** Returns 0 when every machine succeeded, else 1. */
    static int run(List<String> names, ProgressOutput output, Action action) {
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService executor = MachineThreads.perMachine()) {
            for (String name : names) {
                futures.add(executor.submit(() -> {
                    action.run(name);
                    return null;
                }));
            }
            int failed = 0;
            for (int i = 0; i < names.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    failed++;
                    Throwable cause = e.getCause();
                    output.line("jmachine: " + names.get(i) + ": " + (cause.getMessage() != null ? cause.getMessage() : cause));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 1;
                }
            }
            return failed == 0 ? 0 : 1;
        }
    }
}
