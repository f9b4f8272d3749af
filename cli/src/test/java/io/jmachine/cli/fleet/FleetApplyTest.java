package io.jmachine.cli.fleet;

import io.jmachine.drivers.DriverRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetApplyTest {

    private static final FleetFileParser PARSER = new FleetFileParser(DriverRegistry.builtIn());

    /** Records what was done and fails the machines it is told to; counts how many run at once. */
    private static final class Recorder implements FleetApply.Actions {
        final List<String> done = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final String failing;

        Recorder(String failing) {
            this.failing = failing;
        }

        @Override
        public void create(FleetMachine machine) throws Exception {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50);
                if (machine.name().equals(failing)) {
                    throw new IllegalStateException("no room for " + machine.name());
                }
                done.add("create " + machine.name());
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public void remove(String machine) {
            done.add("remove " + machine);
        }
    }

    private static FleetFile file(int count) {
        return PARSER.parse("f.yaml", "name: lab\nmachines:\n  web:\n    driver: none\n    count: " + count
                + "\n    options: {url: \"tcp://h:1\"}\n");
    }

    @Test
    void createsRunAtMostNAtATime() {
        Recorder recorder = new Recorder("");
        FleetApply.Result result = FleetApply.run(FleetPlanner.plan(file(4), List::of, false), recorder, false, 2);
        assertEquals(4, result.done());
        assertEquals(2, recorder.most.get());
        assertEquals(4, recorder.done.size());
    }

    @Test
    void aFailedMachineDoesNotStopTheOthers() {
        Recorder recorder = new Recorder("lab-web-2");
        FleetApply.Result result = FleetApply.run(FleetPlanner.plan(file(3), List::of, false), recorder, false, 1);
        assertTrue(result.failed());
        assertEquals("no room for lab-web-2", result.failures().get("lab-web-2"));
        assertEquals(List.of("create lab-web-1", "create lab-web-3"), recorder.done);
        assertEquals(2, result.done());
    }

    @Test
    void removalsGoFirstAndRecreationsOnlyWithRecreate() {
        FleetFile before = file(3);
        List<FleetPlanner.Stored> stored = new ArrayList<>();
        for (FleetMachine m : before.machines()) {
            stored.add(new FleetPlanner.Stored(m.name(), List.of(before.label()), Optional.empty()));
        }
        FleetPlanner.Plan plan = FleetPlanner.plan(file(1), () -> stored, true);
        Recorder held = new Recorder("");
        FleetApply.run(plan, held, false, 1);
        assertEquals(List.of("remove lab-web-2", "remove lab-web-3"), held.done.stream().sorted().toList());
        Recorder recreating = new Recorder("");
        FleetApply.run(plan, recreating, true, 1);
        assertEquals("create lab-web-1", recreating.done.get(recreating.done.size() - 1));
        assertTrue(recreating.done.contains("remove lab-web-1"));
    }
}
