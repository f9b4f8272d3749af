package io.jmachine.engine.health;

import io.jmachine.engine.container.ContainerHealth;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.container.HealthCheck;
import io.jmachine.engine.events.EngineEvent;
import io.jmachine.engine.events.EventBus;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link HealthMonitor} per running container that has a health check: started with the container
 * (the "start" event, so restarts by policy are covered too), stopped when it dies or goes, resumed after
 * an engine restart. Verdicts go into the container's record and, when the status changes, into a
 * {@code health_status: X} event. Health never stops or restarts a container, as in dockerd.
 */
public final class HealthMonitors implements AutoCloseable {

    private final ContainerService containers;
    private final Probe probe;
    private final EventBus events;
    private final Map<String, HealthMonitor> running = new ConcurrentHashMap<>();
    private final java.util.function.Consumer<EngineEvent> listener = this::onEvent;

    public HealthMonitors(ContainerService containers, Probe probe, EventBus events) {
        this.containers = containers;
        this.probe = probe;
        this.events = events;
    }

    /** Follows container starts and ends from now on, and watches the containers that already run. */
    public void open() {
        events.subscribe(listener, 0);
        for (ContainerRecord record : containers.list(true)) {
            if (record.state().running()) {
                start(record.id());
            }
        }
    }

    private void onEvent(EngineEvent event) {
        if (!event.type().equals("container")) {
            return;
        }
        switch (event.action()) {
            case "start" -> start(event.actor().id());
            case "die", "destroy" -> stop(event.actor().id());
            default -> { }
        }
    }

    /** Watches the container's current run if it has a health check; does nothing if that run is watched already. */
    public void start(String id) {
        ContainerRecord record = containers.find(id).orElse(null);
        if (record == null || !record.state().running()) {
            return;
        }
        Optional<HealthCheck> check = HealthCheck.of(record.config());
        // a test type dockerd does not know stays "starting", unprobed, as there
        Optional<List<String>> command = check.flatMap(c -> c.probeCommand(record.config().shell()));
        if (command.isEmpty()) {
            return;
        }
        java.time.Instant startedAt = record.state().startedAt();
        HealthMonitor monitor = new HealthMonitor(id, check.get(), command.get(), startedAt, probe,
                result -> record(id, check.get(), startedAt, result));
        HealthMonitor[] replaced = new HealthMonitor[1];
        HealthMonitor kept = running.compute(id, (key, current) -> {
            if (current != null && !current.isStopped() && current.startedAt().equals(startedAt)) {
                return current;
            }
            replaced[0] = current;
            return monitor;
        });
        if (replaced[0] != null) {
            replaced[0].stop();
        }
        if (kept == monitor) {
            monitor.start();
        }
    }

    public void stop(String id) {
        HealthMonitor monitor = running.remove(id);
        if (monitor != null) {
            monitor.stop();
        }
    }

    private boolean record(String id, HealthCheck check, java.time.Instant startedAt, ContainerHealth.Result result) {
        Optional<ContainerService.HealthChange> change = containers.updateHealth(id, startedAt,
                health -> HealthTransitions.afterProbe(health, check, startedAt, result));
        if (change.isEmpty()) {
            return false;
        }
        ContainerHealth.Status after = change.get().after().status();
        if (change.get().before().status() != after) {
            events.publish("container", "health_status: " + after.name(), id, change.get().record().eventAttributes());
        }
        return true;
    }

    @Override
    public void close() {
        events.unsubscribe(listener);
        running.keySet().forEach(this::stop);
    }
}
