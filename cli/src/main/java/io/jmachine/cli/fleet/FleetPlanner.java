package io.jmachine.cli.fleet;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What apply would do to make the store match a fleet file. A machine's options cannot change in place: one whose
 * recorded options differ from the file's is re-created.
 */
public final class FleetPlanner {

    /** What the planner reads of the store: its machines (owned here, so that tests give a fake one). */
    public interface Store {
        List<Stored> stored();
    }

    /**
     * A machine in the store.
     *
     * @param labels its engine labels ({@code jmachine.fleet=NAME} marks a fleet's)
     * @param spec   what the fleet made it from ({@link FleetMachine#spec()}), empty if no fleet apply finished it
     */
    public record Stored(String name, List<String> labels, Optional<JsonNode> spec) {}

    public enum Action {
        CREATE, KEEP, RECREATE, REMOVE,
        /** a machine of that name exists outside the fleet: it is never touched */
        CONFLICT,
        /** labelled with the fleet, no longer in the file: removed only with --prune */
        ORPHAN;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Whether the step is a change still to make (a conflict counts: the fleet is not as the file says). */
        public boolean isChange() {
            return this != KEEP && this != ORPHAN;
        }
    }

    /** @param desired the file's machine; null for removals and orphans */
    public record Step(Action action, String machine, String reason, FleetMachine desired) {}

    public record Plan(List<Step> steps) {

        public boolean hasChanges() {
            return steps.stream().anyMatch(s -> s.action().isChange());
        }

        public long count(Action action) {
            return steps.stream().filter(s -> s.action() == action).count();
        }

        public String summary() {
            return count(Action.CREATE) + " to create, " + count(Action.RECREATE) + " to recreate, " + count(Action.REMOVE)
                    + " to remove, " + count(Action.KEEP) + " unchanged" + (count(Action.CONFLICT) > 0 ? ", " + count(Action.CONFLICT)
                    + " in conflict" : "");
        }
    }

    private FleetPlanner() {
    }

    public static Plan plan(FleetFile file, Store store, boolean prune) {
        Map<String, Stored> stored = new LinkedHashMap<>();
        store.stored().forEach(m -> stored.put(m.name(), m));
        List<Step> steps = new ArrayList<>();
        for (FleetMachine wanted : file.machines()) {
            Stored existing = stored.remove(wanted.name());
            steps.add(step(file, wanted, existing));
        }
        for (Stored left : stored.values()) {
            if (left.labels().contains(file.label())) {
                steps.add(prune ? new Step(Action.REMOVE, left.name(), "no longer in the fleet file", null)
                        : new Step(Action.ORPHAN, left.name(), "no longer in the fleet file; --prune removes it", null));
            }
        }
        return new Plan(List.copyOf(steps));
    }

    private static Step step(FleetFile file, FleetMachine wanted, Stored existing) {
        if (existing == null) {
            return new Step(Action.CREATE, wanted.name(), "does not exist", wanted);
        }
        if (!existing.labels().contains(file.label())) {
            return new Step(Action.CONFLICT, wanted.name(), "a machine of that name exists outside the fleet " + file.name()
                    + "; it is left alone: remove or rename it", wanted);
        }
        if (existing.spec().isEmpty()) {
            return new Step(Action.RECREATE, wanted.name(), "its create did not finish", wanted);
        }
        JsonNode want = wanted.spec();
        if (!want.equals(existing.spec().get())) {
            return new Step(Action.RECREATE, wanted.name(), differences(existing.spec().get(), want), wanted);
        }
        return new Step(Action.KEEP, wanted.name(), "up to date", wanted);
    }

    /** "kvm-memory 1024 -> 1536, …": what differs between what the machine was made from and what the file asks. */
    static String differences(JsonNode had, JsonNode want) {
        List<String> changes = new ArrayList<>();
        if (!had.path("driver").equals(want.path("driver"))) {
            changes.add("driver " + had.path("driver").asText() + " -> " + want.path("driver").asText());
        }
        TreeSet<String> keys = new TreeSet<>();
        for (Iterator<String> it = had.path("options").fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        for (Iterator<String> it = want.path("options").fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        for (String key : keys) {
            JsonNode a = had.path("options").path(key);
            JsonNode b = want.path("options").path(key);
            if (!a.equals(b)) {
                changes.add(key + " " + shown(a) + " -> " + shown(b));
            }
        }
        return changes.isEmpty() ? "its options differ" : String.join(", ", changes);
    }

    private static String shown(JsonNode value) {
        return value.isMissingNode() ? "(unset)" : value.isTextual() ? value.asText() : value.toString();
    }
}
