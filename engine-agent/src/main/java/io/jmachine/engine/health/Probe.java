package io.jmachine.engine.health;

import io.jmachine.engine.container.ContainerHealth;

import java.time.Duration;
import java.util.List;

/** Runs one health probe in a container; a probe that cannot run or overruns its timeout is a failed result, not an error. */
@FunctionalInterface
public interface Probe {

    ContainerHealth.Result run(String containerId, List<String> command, Duration timeout) throws InterruptedException;
}
