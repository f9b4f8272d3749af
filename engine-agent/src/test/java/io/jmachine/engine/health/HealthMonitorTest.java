package io.jmachine.engine.health;

import io.jmachine.engine.container.ContainerHealth;
import io.jmachine.engine.container.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe loop with a probe the test controls, at a 20 ms interval. */
class HealthMonitorTest {

    private static final HealthCheck CHECK = new HealthCheck(List.of("CMD-SHELL", "true"), Duration.ofMillis(20),
            Duration.ofMillis(500), Duration.ZERO, 1);

    private static ContainerHealth.Result ok() {
        return new ContainerHealth.Result(Instant.now(), Instant.now(), 0, "");
    }

    @Test
    void probesWithTheCommandAndTimeoutUntilTheSinkSaysTheRunIsOver() throws Exception {
        List<List<String>> commands = new CopyOnWriteArrayList<>();
        List<Duration> timeouts = new CopyOnWriteArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch over = new CountDownLatch(1);
        HealthMonitor monitor = new HealthMonitor("c0ffee", CHECK, List.of("/bin/sh", "-c", "true"), Instant.now(),
                (id, command, timeout) -> {
                    commands.add(command);
                    timeouts.add(timeout);
                    return ok();
                },
                result -> {
                    if (accepted.incrementAndGet() < 3) {
                        return true;
                    }
                    over.countDown();
                    return false;
                });
        monitor.start();
        assertTrue(over.await(5, TimeUnit.SECONDS));
        awaitStopped(monitor);
        Thread.sleep(100);
        assertEquals(3, accepted.get(), "no probe after the sink ended the run");
        assertEquals(List.of("/bin/sh", "-c", "true"), commands.get(0));
        assertEquals(Duration.ofMillis(500), timeouts.get(0));
    }

    @Test
    void stopDropsTheResultOfAProbeUnderWay() throws Exception {
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger accepted = new AtomicInteger();
        HealthMonitor monitor = new HealthMonitor("c0ffee", CHECK, List.of("true"), Instant.now(), (id, command, timeout) -> {
            probing.countDown();
            release.await();
            return ok();
        }, result -> accepted.incrementAndGet() > 0);
        monitor.start();
        assertTrue(probing.await(5, TimeUnit.SECONDS));
        monitor.stop();
        release.countDown();
        Thread.sleep(100);
        assertEquals(0, accepted.get());
        assertTrue(monitor.isStopped());
    }

    @Test
    void theFirstProbeWaitsOneInterval() throws Exception {
        HealthCheck slow = new HealthCheck(List.of("CMD", "true"), Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, 0);
        AtomicInteger probes = new AtomicInteger();
        HealthMonitor monitor = new HealthMonitor("c0ffee", slow, List.of("true"), Instant.now(), (id, command, timeout) -> {
            probes.incrementAndGet();
            return ok();
        }, result -> true);
        monitor.start();
        Thread.sleep(200);
        monitor.stop();
        assertEquals(0, probes.get());
    }

    private static void awaitStopped(HealthMonitor monitor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!monitor.isStopped() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(monitor.isStopped());
    }
}
