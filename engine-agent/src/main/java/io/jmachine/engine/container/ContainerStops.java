package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.events.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * stop, kill, pause, unpause and restart: the signals that end or hold a running container, under the runner's
 * lock for each container, which handles the exits they cause.
 */
final class ContainerStops {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerStops.class);

    private final ContainerStore store;
    private final ContainerProcesses processes;
    private final EventBus events;
    private final ExitSignals signals;
    private final ContainerRunner runner;

    ContainerStops(ContainerStore store, ContainerProcesses processes, EventBus events, ExitSignals signals, ContainerRunner runner) {
        this.store = store;
        this.processes = processes;
        this.events = events;
        this.signals = signals;
        this.runner = runner;
    }

    /** Docker's stop: the stop signal, a grace period, then SIGKILL; {@link StateChange#ALREADY} when it is not running. */
    StateChange stop(String idOrName, Integer timeoutSeconds, String signal) {
        return stop(idOrName, timeoutSeconds, signal, true);
    }

    /**
     * The host is shutting down (not just the engine): every running container gets its stop signal and, after its
     * stop timeout, SIGKILL, all at once, as dockerd's shutdown does. They are not marked stopped by hand, so that
     * restart policies bring them back when the engine starts again.
     */
    void stopAllForHostShutdown() {
        List<String> alive = store.all().stream().filter(r -> r.state().running()).map(ContainerRecord::id).toList();
        LOG.info("the host is shutting down: stopping {} containers", alive.size());
        try (var all = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (String id : alive) {
                all.execute(() -> {
                    try {
                        stop(id, null, null, false);
                    } catch (RuntimeException e) {
                        LOG.warn("cannot stop container {} for the host's shutdown: {}", id, e.getMessage());
                    }
                });
            }
        }
    }

    private StateChange stop(String idOrName, Integer timeoutSeconds, String signal, boolean byHand) {
        ContainerRecord record = store.resolve(idOrName);
        String id = record.id();
        java.util.concurrent.CompletableFuture<Integer> exit;
        synchronized (runner.lock(id)) {
            record = store.resolve(id);
            if (record.state().restarting()) {
                runner.released(runner.cancelRestart(record, byHand));
                events.publish("container", "stop", id, record.eventAttributes());
                return StateChange.CHANGED;
            }
            if (!record.state().running()) {
                return StateChange.ALREADY;
            }
            runner.markStopping(id);
            store.save(record.withManuallyStopped(byHand));
            exit = signals.nextExit(id);
        }
        int grace = timeoutSeconds != null ? timeoutSeconds
                : record.config().stopTimeout() != null ? record.config().stopTimeout() : 10;
        String stopSignal = signal != null && !signal.isEmpty() ? signal
                : record.config().stopSignal() != null && !record.config().stopSignal().isEmpty() ? record.config().stopSignal() : "TERM";
        try {
            if (grace != 0) {
                signal(record, stopSignal);
            }
            if (record.state().paused()) {
                processes.resume(id);
            }
            if (grace < 0) {
                exit.get();
            } else {
                try {
                    exit.get(grace, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    LOG.info("container {} did not stop within {} s of SIG{}; killing it", record.shortId(), grace, stopSignal);
                    signal(record, "KILL");
                    exit.get(30, TimeUnit.SECONDS);
                }
            }
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            if (processes.isRunning(id)) {
                throw EngineException.internal("cannot stop container " + idOrName + ": " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.internal("interrupted while stopping " + idOrName);
        }
        events.publish("container", "stop", id, record.eventAttributes());
        return StateChange.CHANGED;
    }

    /**
     * Sends a signal and says so with dockerd's kill event. A process that ended meanwhile is no error: its exit
     * is on its way to {@link #handleExit}. Under the container's lock, as dockerd: the exit the signal causes is
     * handled after, so its die event never comes before the kill event.
     */
    private void signal(ContainerRecord record, String signal) throws IOException {
        synchronized (runner.lock(record.id())) {
            try {
                processes.kill(record.id(), signal);
            } catch (IOException e) {
                if (processes.isRunning(record.id())) {
                    throw e;
                }
                LOG.debug("container {} ended before SIG{}: {}", record.shortId(), signal, e.getMessage());
            }
            Map<String, String> attributes = new java.util.HashMap<>(record.eventAttributes());
            attributes.put("signal", String.valueOf(io.jmachine.engine.runtime.Signals.parse(signal)));
            events.publish("container", "kill", record.id(), attributes);
        }
    }

    /**
     * Sends a signal; 409 when the container is not running, as dockerd. As dockerd 20.10, SIGKILL, the container's
     * stop signal, or any signal when it names none, counts as a stop: no restart policy brings it back after, and a
     * restarting container simply stops restarting.
     */
    void kill(String idOrName, String signal) {
        ContainerRecord record = store.resolve(idOrName);
        String id = record.id();
        String normalized = signal == null || signal.isEmpty() ? "KILL" : signal;
        int number = io.jmachine.engine.runtime.Signals.parse(normalized);
        java.util.concurrent.CompletableFuture<Integer> exit;
        synchronized (runner.lock(id)) {
            record = store.resolve(id);
            if (record.state().restarting()) {
                runner.released(runner.cancelRestart(record, true));
                return;
            }
            if (!record.state().running()) {
                throw EngineException.conflict("Cannot kill container: " + idOrName + ": Container " + record.id() + " is not running");
            }
            String stopSignal = record.config().stopSignal();
            if (number == io.jmachine.engine.runtime.Signals.SIGKILL || stopSignal == null || stopSignal.isEmpty()
                    || io.jmachine.engine.runtime.Signals.parse(stopSignal) == number) {
                runner.markStopping(id);
                store.save(record.withManuallyStopped(true));
            }
            exit = signals.nextExit(id);
        }
        try {
            signal(record, normalized);
            if (number == io.jmachine.engine.runtime.Signals.SIGKILL) {
                // dockerd answers a SIGKILL once the container is gone, so the next inspect shows it exited
                exit.get(30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw EngineException.internal("cannot kill container " + idOrName + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("container {} did not end within 30 s of SIGKILL", record.shortId());
        }
    }

    void pause(String idOrName) {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (runner.lock(record.id())) {
            record = store.byId(record.id());
            if (record.state().status() != ContainerState.Status.running) {
                throw EngineException.conflict(record.state().paused() ? "Container " + record.id() + " is already paused"
                        : record.state().restarting() ? "Container " + record.id() + " is restarting, wait until the container is running"
                        : "Container " + record.id() + " is not running");
            }
            try {
                processes.pause(record.id());
            } catch (IOException e) {
                throw EngineException.internal("cannot pause container " + idOrName + ": " + e.getMessage());
            }
            store.save(record.withState(record.state().withStatus(ContainerState.Status.paused)));
        }
        events.publish("container", "pause", record.id(), record.eventAttributes());
    }

    void unpause(String idOrName) {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (runner.lock(record.id())) {
            record = store.byId(record.id());
            if (record.state().status() != ContainerState.Status.paused) {
                throw EngineException.conflict("Container " + record.id() + " is not paused");
            }
            try {
                processes.resume(record.id());
            } catch (IOException e) {
                throw EngineException.internal("cannot unpause container " + idOrName + ": " + e.getMessage());
            }
            store.save(record.withState(record.state().withStatus(ContainerState.Status.running)));
        }
        events.publish("container", "unpause", record.id(), record.eventAttributes());
    }

    /** Docker's restart: stop (a restarting container just stops restarting), start, and the restart event. */
    void restart(String idOrName, Integer timeoutSeconds, String signal) {
        // a stopped container is simply started
        stop(idOrName, timeoutSeconds, signal);
        runner.start(idOrName);
        ContainerRecord record = store.resolve(idOrName);
        events.publish("container", "restart", record.id(), record.eventAttributes());
    }
}
