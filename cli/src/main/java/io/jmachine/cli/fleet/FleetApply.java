package io.jmachine.cli.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Carries out a plan: removals first, then creations and re-creations, at most {@code parallel} at a time. A machine
 * that fails is reported and the others go on.
 */
public final class FleetApply {

    /** What applying does to one machine (owned here, so that tests count and fail them). */
    public interface Actions {
        void create(FleetMachine machine) throws Exception;

        void remove(String machine) throws Exception;
    }

    /** @param failures the machines that failed, with what went wrong, in the plan's order */
    public record Result(int done, Map<String, String> failures) {

        public boolean failed() {
            return !failures.isEmpty();
        }
    }

    private FleetApply() {
    }

    /**
     * @param recreate whether RECREATE steps are done (else they are left, and plan still shows them)
     * @param parallel how many machines are made at once (at least 1)
     */
    public static Result run(FleetPlanner.Plan plan, Actions actions, boolean recreate, int parallel) {
        Map<String, String> failures = new ConcurrentHashMap<>();
        int done = 0;
        done += each(plan, List.of(FleetPlanner.Action.REMOVE), Integer.MAX_VALUE, failures, step -> actions.remove(step.machine()));
        List<FleetPlanner.Action> making = recreate ? List.of(FleetPlanner.Action.CREATE, FleetPlanner.Action.RECREATE)
                : List.of(FleetPlanner.Action.CREATE);
        done += each(plan, making, Math.max(1, parallel), failures, step -> {
            if (step.action() == FleetPlanner.Action.RECREATE) {
                actions.remove(step.machine());
            }
            actions.create(step.desired());
        });
        Map<String, String> ordered = new java.util.LinkedHashMap<>();
        plan.steps().forEach(s -> {
            if (failures.containsKey(s.machine())) {
                ordered.put(s.machine(), failures.get(s.machine()));
            }
        });
        return new Result(done, ordered);
    }

    private interface StepAction {
        void run(FleetPlanner.Step step) throws Exception;
    }

    private static int each(FleetPlanner.Plan plan, List<FleetPlanner.Action> actions, int parallel, Map<String, String> failures,
                            StepAction action) {
        // fair: machines start in the file's order
        Semaphore slots = new Semaphore(parallel, true);
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (FleetPlanner.Step step : plan.steps()) {
                if (!actions.contains(step.action())) {
                    continue;
                }
                futures.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        action.run(step);
                    } catch (Exception e) {
                        failures.put(step.machine(), e.getMessage() != null ? e.getMessage() : e.toString());
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    // each step catches its own failure
                }
            }
        }
        return futures.size() - countFailed(plan, actions, failures);
    }

    private static int countFailed(FleetPlanner.Plan plan, List<FleetPlanner.Action> actions, Map<String, String> failures) {
        return (int) plan.steps().stream().filter(s -> actions.contains(s.action()) && failures.containsKey(s.machine())).count();
    }
}
