package io.jmachine.engine.container;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerStateTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void oomKilledIsDecidedByEachExitAndKeptThroughTheNextRunAsDockerd2010() {
        ContainerState killed = ContainerState.created().running(10, T, false).exited(137, true, T.plusSeconds(1));
        assertTrue(killed.oomKilled());
        ContainerState rerun = killed.running(11, T.plusSeconds(2), false);
        assertTrue(rerun.oomKilled(), "dockerd 20.10 keeps the last run's OOMKilled while the next one runs");
        assertFalse(rerun.exited(137, false, T.plusSeconds(3)).oomKilled());
    }

    @Test
    void aFailedStartLeavesOomKilledAsTheLastRunLeftIt() {
        ContainerState killed = ContainerState.created().running(10, T, false).exited(137, true, T.plusSeconds(1));
        assertTrue(killed.failedToStart(127, "no such file", T.plusSeconds(2)).oomKilled());
        assertFalse(ContainerState.created().failedToStart(127, "no such file", T).oomKilled());
    }
}
