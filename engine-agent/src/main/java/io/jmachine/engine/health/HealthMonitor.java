package io.jmachine.engine.health;

import io.jmachine.engine.container.ContainerHealth;
import io.jmachine.engine.container.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The probe loop of one run of one container: wait an interval, probe, hand the result on, and again,
 * until stopped or until the run it watches is over. The first probe comes one interval after the start,
 * the next one interval after each probe ends, as in dockerd.
 */
final class HealthMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /** Takes a probe's result; false when the run this monitor watches is over (stopped, restarted, removed). */
    @FunctionalInterface
    interface ResultSink {
        boolean accept(ContainerHealth.Result result);
    }

    private final String containerId;
    private final HealthCheck check;
    private final List<String> command;
    private final Instant startedAt;
    private final Probe probe;
    private final ResultSink sink;
    private final CountDownLatch stopped = new CountDownLatch(1);

    HealthMonitor(String containerId, HealthCheck check, List<String> command, Instant startedAt, Probe probe, ResultSink sink) {
        this.containerId = containerId;
        this.check = check;
        this.command = List.copyOf(command);
        this.startedAt = startedAt;
        this.probe = probe;
        this.sink = sink;
    }

    Instant startedAt() {
        return startedAt;
    }

    void start() {
        Thread.ofVirtual().name("health-" + containerId.substring(0, Math.min(12, containerId.length()))).start(this::loop);
    }

    /** Ends the loop; a probe under way finishes (its container is stopping anyway) and its result is dropped. */
    void stop() {
        stopped.countDown();
    }

    boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void loop() {
        try {
            while (!stopped.await(check.probeInterval().toNanos(), TimeUnit.NANOSECONDS)) {
                ContainerHealth.Result result = probe.run(containerId, command, check.probeTimeout());
                if (isStopped() || !sink.accept(result)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("the health monitor of container {} failed; its health is no longer checked", containerId, e);
        } finally {
            stopped.countDown();
        }
    }
}
