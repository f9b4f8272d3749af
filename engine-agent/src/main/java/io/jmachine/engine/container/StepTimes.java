package io.jmachine.engine.container;

import java.util.ArrayList;
import java.util.List;

/** The time each step of a start took, for the debug log: where a slow start spends its time. */
final class StepTimes {

    private final List<String> steps = new ArrayList<>();
    private final long begun = System.nanoTime();
    private long last = begun;

    /** Ends the step named {@code name}: its time is from the end of the previous one. */
    void step(String name) {
        long now = System.nanoTime();
        steps.add(name + " " + (now - last) / 100_000 / 10.0 + " ms");
        last = now;
    }

    @Override
    public String toString() {
        return (last - begun) / 100_000 / 10.0 + " ms (" + String.join(", ", steps) + ")";
    }
}
