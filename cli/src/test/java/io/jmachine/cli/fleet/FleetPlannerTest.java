package io.jmachine.cli.fleet;

import io.jmachine.drivers.DriverRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every transition of the planner, on a fake store. */
class FleetPlannerTest {

    private static final FleetFileParser PARSER = new FleetFileParser(DriverRegistry.builtIn());

    private static FleetFile file(int count, int memory) {
        return PARSER.parse("f.yaml", "name: lab\nmachines:\n  web:\n    driver: kvm\n    count: " + count
                + "\n    options:\n      kvm-memory: " + memory + "\n");
    }

    /** A store holding what a converged apply of {@code file} leaves. */
    private static List<FleetPlanner.Stored> appliedFrom(FleetFile file) {
        List<FleetPlanner.Stored> stored = new ArrayList<>();
        for (FleetMachine m : file.machines()) {
            stored.add(new FleetPlanner.Stored(m.name(), List.of(file.label()), Optional.of(m.spec())));
        }
        return stored;
    }

    private static List<String> lines(FleetPlanner.Plan plan) {
        return plan.steps().stream().map(s -> s.action().word() + " " + s.machine()).toList();
    }

    @Test
    void anEmptyStorePlansACreateForEveryMachine() {
        FleetPlanner.Plan plan = FleetPlanner.plan(file(2, 1024), List::of, false);
        assertEquals(List.of("create lab-web-1", "create lab-web-2"), lines(plan));
        assertTrue(plan.hasChanges());
    }

    @Test
    void aConvergedFleetKeepsEverythingAndHasNoChanges() {
        FleetFile file = file(2, 1024);
        FleetPlanner.Plan plan = FleetPlanner.plan(file, () -> appliedFrom(file), true);
        assertEquals(List.of("keep lab-web-1", "keep lab-web-2"), lines(plan));
        assertFalse(plan.hasChanges());
    }

    @Test
    void aMachineRemovedByHandIsCreatedAgain() {
        FleetFile file = file(2, 1024);
        List<FleetPlanner.Stored> stored = new ArrayList<>(appliedFrom(file));
        stored.remove(0);
        assertEquals(List.of("create lab-web-1", "keep lab-web-2"), lines(FleetPlanner.plan(file, () -> stored, false)));
    }

    @Test
    void aSmallerCountRemovesOnlyWithPrune() {
        List<FleetPlanner.Stored> stored = appliedFrom(file(2, 1024));
        FleetPlanner.Plan without = FleetPlanner.plan(file(1, 1024), () -> stored, false);
        assertEquals(List.of("keep lab-web-1", "orphan lab-web-2"), lines(without));
        assertFalse(without.hasChanges(), "an orphan is no change without --prune");
        FleetPlanner.Plan with = FleetPlanner.plan(file(1, 1024), () -> stored, true);
        assertEquals(List.of("keep lab-web-1", "remove lab-web-2"), lines(with));
        assertTrue(with.hasChanges());
    }

    @Test
    void aChangedOptionPlansARecreationThatNamesIt() {
        FleetPlanner.Plan plan = FleetPlanner.plan(file(1, 1536), () -> appliedFrom(file(1, 1024)), false);
        assertEquals(List.of("recreate lab-web-1"), lines(plan));
        assertEquals("kvm-memory 1024 -> 1536", plan.steps().get(0).reason());
    }

    @Test
    void aFleetMachineWhoseCreateDidNotFinishIsRecreated() {
        FleetFile file = file(1, 1024);
        List<FleetPlanner.Stored> stored = List.of(new FleetPlanner.Stored("lab-web-1", List.of(file.label()), Optional.empty()));
        FleetPlanner.Plan plan = FleetPlanner.plan(file, () -> stored, false);
        assertEquals(List.of("recreate lab-web-1"), lines(plan));
        assertEquals("its create did not finish", plan.steps().get(0).reason());
    }

    @Test
    void aMachineOfTheSameNameOutsideTheFleetIsAConflictAndOthersAreNeverTouched() {
        FleetFile file = file(1, 1024);
        List<FleetPlanner.Stored> stored = List.of(
                new FleetPlanner.Stored("lab-web-1", List.of("team=a"), Optional.empty()),
                new FleetPlanner.Stored("loner", List.of(), Optional.empty()),
                new FleetPlanner.Stored("other", List.of("jmachine.fleet=other"), Optional.empty()));
        FleetPlanner.Plan plan = FleetPlanner.plan(file, () -> stored, true);
        assertEquals(List.of("conflict lab-web-1"), lines(plan));
        assertTrue(plan.hasChanges());
    }

    @Test
    void theSummaryCountsEachAction() {
        List<FleetPlanner.Stored> stored = appliedFrom(file(3, 1024));
        FleetPlanner.Plan plan = FleetPlanner.plan(file(1, 2048), () -> stored, true);
        assertEquals("0 to create, 1 to recreate, 2 to remove, 0 unchanged", plan.summary());
    }
}
