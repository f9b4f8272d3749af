package io.jmachine.provisioner.install;

import io.jmachine.drivers.RecordingProgress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepRunnerTest {

    private final List<String> log = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    private InstallStep step(String name, Duration timeout, Runnable body) {
        return new InstallStep() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public void run() {
                log.add("run " + name);
                body.run();
            }

            @Override
            public String remedy() {
                return "fix " + name;
            }

            @Override
            public void undo() {
                log.add("undo " + name);
            }

            @Override
            public void commit() {
                log.add("commit " + name);
            }
        };
    }

    @Test
    void allStepsSucceedThenEachIsCommittedWithOneLinePerStepAndTheRunningOneAsAStatus() {
        RecordingProgress shown = new RecordingProgress();
        new StepRunner(shown).run(List.of(step("a", Duration.ofSeconds(5), () -> { }), step("b", Duration.ofSeconds(5), () -> { })));
        assertEquals(List.of("run a", "run b", "commit a", "commit b"), log);
        assertEquals(List.of("[1/2] a…", "[2/2] b…"), shown.statuses());
        assertEquals(2, shown.reports().size(), shown.text());
        assertTrue(shown.reports().get(0).matches("\\[1/2] a: done in \\d+\\.\\d s"), shown.reports().get(0));
    }

    @Test
    void aFailureUndoesInReverseAndNamesTheStepAndTheRemedy() {
        var e = assertThrows(InstallException.class, () -> new StepRunner(progress::add).run(List.of(
                step("a", Duration.ofSeconds(5), () -> { }),
                step("b", Duration.ofSeconds(5), () -> { throw new IllegalStateException("disk full"); }),
                step("c", Duration.ofSeconds(5), () -> { }))));
        assertEquals(List.of("run a", "run b", "undo b", "undo a"), log);
        assertEquals("b", e.step());
        assertEquals("step \"b\" failed: disk full; fix b", e.getMessage());
    }

    @Test
    void aHungStepIsInterruptedAtItsTimeout() {
        long started = System.nanoTime();
        var e = assertThrows(InstallException.class, () -> new StepRunner(progress::add).run(List.of(
                step("hang", Duration.ofMillis(300), () -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException interrupted) {
                        log.add("interrupted");
                    }
                }))));
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
        assertTrue(log.contains("undo hang"));
    }
}
