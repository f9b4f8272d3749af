package io.jmachine.engine.container;

import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.events.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Start, stop, kill, pause and the end of containers: the state machine over the runtime, the network and
 * the root filesystem, with Docker's restart policies. One lock per container orders its transitions.
 */
public final class ContainerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);

    private final ContainerStore store;
    private final ImageAccess images;
    private final ContainerNetworking networking;
    private final ContainerVolumes volumes;
    private final ContainerPorts ports;
    private final ContainerProcesses processes;
    private final EventBus events;
    private final ExitSignals signals;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stopping = new ConcurrentHashMap<>();
    private final ExecutorService watchers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("exit-watch-", 0).factory());
    private final AttachHub attachHub;
    private final ContainerCleanup cleanup;
    private final OomReports oom;
    private volatile Consumer<String> autoRemove = id -> { };

    ContainerRunner(ContainerStore store, ImageAccess images, ContainerNetworking networking, ContainerVolumes volumes,
                    ContainerPorts ports,
                    ContainerProcesses processes, EventBus events, ExitSignals signals, AttachHub attachHub,
                    ContainerCleanup cleanup, Clock clock) {
        this.cleanup = cleanup;
        this.store = store;
        this.images = images;
        this.networking = networking;
        this.volumes = volumes;
        this.ports = ports;
        this.processes = processes;
        this.events = events;
        this.signals = signals;
        this.attachHub = attachHub;
        this.clock = clock;
        this.oom = new OomReports(processes, events,
                id -> java.util.Optional.ofNullable(store.byId(id)).map(ContainerRecord::eventAttributes).orElse(Map.of()));
    }

    void onAutoRemove(Consumer<String> action) {
        this.autoRemove = action;
    }

    Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    void forget(String id) {
        oom.forget(id);
        locks.remove(id);
        stopping.remove(id);
    }

    /** Starts a created or exited container; 304 when it already runs. */
    public void start(String idOrName) {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (lock(record.id())) {
            record = store.byId(record.id());
            if (record.state().status() == ContainerState.Status.paused) {
                throw ApiException.conflict("cannot start a paused container, try unpause instead");
            }
            if (record.state().isAlive()) {
                throw new ApiException(304, "container already started");
            }
            stopping.remove(record.id());
            launch(record);
        }
    }

    /** Under the container's lock: from a stopped record to a running one, undoing every step if one fails. */
    private void launch(ContainerRecord record) {
        String id = record.id();
        cleanup.await(id);
        List<String> linkEnv = LinkEnvironment.of(record, store::find);
        ContainerRecord.NetworkAttachment network = null;
        try {
            Path rootfs = images.mountRootfs(id, record.image());
            record = record.withMountPoints(volumes.prepare(record.mountPoints(), rootfs));
            network = networking.attach(id, record.hostConfig(), record.config().macAddress());
            ContainerNetworking.EtcFiles etc = networking.writeEtcFiles(id, store.folder(id), record.config().hostname(),
                    record.hostConfig());
            record = record.withNetwork(network);
            // a taken host port refuses the start before any process exists
            ports.publish(record);
            int pid = processes.create(record, new ContainerProcesses.Launch(rootfs, network.netnsPath(), etc.hosts(),
                    etc.resolvConf(), etc.hostname(), linkEnv));
            // clients that attached before start get everything from the first byte
            attachHub.containerCreated(id);
            processes.start(id);
            record = record.withState(record.state().running(pid, clock.instant(), HealthCheck.of(record.config()).isPresent()));
            store.save(record);
            AttachmentEvents.joined(record, events);
            events.publish("container", "start", id, record.eventAttributes());
            oom.watch(id);
            String started = id;
            watchers.execute(() -> watchExit(started));
        } catch (ContainerProcesses.StartFailure e) {
            cleanupAfterFailedStart(record, network);
            int code = e.dockerExitCode();
            store.save(record.withState(record.state().failedToStart(code, e.getMessage(), clock.instant())));
            attachHub.containerEnded(id);
            signals.exited(id, code);
            if (record.hostConfig().autoRemove()) {
                autoRemove.accept(id);
            }
            throw new ApiException(400, "failed to create task for container: " + e.getMessage());
        } catch (RuntimeException e) {
            cleanupAfterFailedStart(record, network);
            attachHub.containerEnded(id);
            // `docker run --rm` waits for the removal: a start refused before any process (a taken port) must end it too
            if (record.hostConfig().autoRemove()) {
                autoRemove.accept(id);
            }
            throw e;
        }
    }

    private void cleanupAfterFailedStart(ContainerRecord record, ContainerRecord.NetworkAttachment network) {
        try {
            processes.release(record.id());
        } catch (RuntimeException e) {
            LOG.warn("cannot release the runtime state of {}: {}", record.shortId(), e.getMessage());
        }
        ports.unpublish(record.id());
        if (network != null) {
            networking.detach(record.id(), network);
        }
        images.unmountRootfs(record.id());
    }

    private void watchExit(String id) {
        try {
            int code = processes.awaitExit(id);
            handleExit(id, code);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("watching container {} failed", id, e);
        }
    }

    /** The process ended: record it, free what it held, then apply the restart policy. */
    void handleExit(String id, int code) {
        ContainerRecord record;
        synchronized (lock(id)) {
            record = store.byId(id);
            if (record == null || !record.state().isAlive()) {
                return;
            }
            // at once, not with the queued cleanup: a stopped container's port must be free when stop returns
            ports.unpublish(id);
            // before free(): the runtime's delete takes the cgroup and its OOM counter with it
            boolean oomKilled = oom.ended(id);
            record = record.withState(record.state().exited(code, oomKilled, clock.instant()));
            store.save(record);
            attachHub.containerEnded(id);
            free(record);
        }
        Map<String, String> attributes = new java.util.HashMap<>(record.eventAttributes());
        attributes.put("exitCode", String.valueOf(code));
        events.publish("container", "die", id, attributes);
        AttachmentEvents.left(record, events);
        signals.exited(id, code);
        boolean manuallyStopped = stopping.getOrDefault(id, false);
        if (!manuallyStopped && RestartPolicy.shouldRestart(record, code)) {
            scheduleRestart(record);
        } else if (record.hostConfig().autoRemove()) {
            autoRemove.accept(id);
        }
    }

    /** Queues the release of what an ended container holds: its monitor and runtime state, network and mount. */
    void free(ContainerRecord record) {
        String id = record.id();
        ContainerRecord.NetworkAttachment network = record.network();
        cleanup.after(id, "release", () -> processes.release(id));
        if (network != null) {
            cleanup.after(id, "network detach", () -> networking.detach(id, network));
        }
        cleanup.after(id, "unmount", () -> images.unmountRootfs(id));
    }

    private void scheduleRestart(ContainerRecord record) {
        Duration delay = RestartPolicy.backoff(record, clock.instant());
        String id = record.id();
        synchronized (lock(id)) {
            store.save(record.withState(record.state().withStatus(ContainerState.Status.restarting)));
        }
        watchers.execute(() -> {
            try {
                Thread.sleep(delay);
                synchronized (lock(id)) {
                    ContainerRecord current = store.byId(id);
                    if (current == null || current.state().status() != ContainerState.Status.restarting || stopping.getOrDefault(id, false)) {
                        return;
                    }
                    current = current.withRestartCount(current.restartCount() + 1)
                            .withState(current.state().withStatus(ContainerState.Status.exited));
                    launch(current);
                }
                events.publish("container", "restart", id, store.byId(id).eventAttributes());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("restarting container {} failed: {}", id, e.getMessage());
            }
        });
    }

    /** Docker's stop: the stop signal, a grace period, then SIGKILL; 304 when it is not running. */
    public void stop(String idOrName, Integer timeoutSeconds, String signal) {
        ContainerRecord record = store.resolve(idOrName);
        String id = record.id();
        stopping.put(id, true);
        if (record.state().status() == ContainerState.Status.restarting) {
            synchronized (lock(id)) {
                store.save(store.byId(id).withState(record.state().withStatus(ContainerState.Status.exited)));
            }
            return;
        }
        if (!record.state().isAlive()) {
            throw new ApiException(304, "container already stopped");
        }
        var exit = signals.nextExit(id);
        int grace = timeoutSeconds != null ? timeoutSeconds
                : record.config().stopTimeout() != null ? record.config().stopTimeout() : 10;
        String stopSignal = signal != null && !signal.isEmpty() ? signal
                : record.config().stopSignal() != null ? record.config().stopSignal() : "TERM";
        try {
            if (record.state().paused()) {
                processes.resume(id);
            }
            if (grace != 0) {
                processes.kill(id, stopSignal);
            }
            if (grace < 0) {
                exit.get();
                return;
            }
            try {
                exit.get(grace, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.info("container {} did not stop within {} s of SIG{}; killing it", record.shortId(), grace, stopSignal);
            }
            processes.kill(id, "KILL");
            exit.get(30, TimeUnit.SECONDS);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            if (processes.isRunning(id)) {
                throw new ApiException(500, "cannot stop container " + idOrName + ": " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(500, "interrupted while stopping " + idOrName);
        }
    }

    /** Sends a signal; 409 when the container is not running, as dockerd. */
    public void kill(String idOrName, String signal) {
        ContainerRecord record = store.resolve(idOrName);
        if (!record.state().running()) {
            throw ApiException.conflict("Cannot kill container: " + idOrName + ": container " + record.id() + " is not running");
        }
        String normalized = signal == null || signal.isEmpty() ? "KILL" : signal;
        if (isKillSignal(normalized)) {
            stopping.put(record.id(), true);
        }
        var exit = signals.nextExit(record.id());
        try {
            processes.kill(record.id(), normalized);
            if (isKillSignal(normalized)) {
                // dockerd answers a SIGKILL once the container is gone, so the next inspect shows it exited
                exit.get(30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new ApiException(500, "cannot kill container " + idOrName + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("container {} did not end within 30 s of SIGKILL", record.shortId());
        }
    }

    private static boolean isKillSignal(String signal) {
        String s = signal.toUpperCase(java.util.Locale.ROOT);
        return s.equals("KILL") || s.equals("SIGKILL") || s.equals("9");
    }

    public void pause(String idOrName) {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (lock(record.id())) {
            record = store.byId(record.id());
            if (record.state().status() != ContainerState.Status.running) {
                throw ApiException.conflict(record.state().paused() ? "container " + record.id() + " is already paused"
                        : "container " + record.id() + " is not running");
            }
            try {
                processes.pause(record.id());
            } catch (IOException e) {
                throw new ApiException(500, "cannot pause container " + idOrName + ": " + e.getMessage());
            }
            store.save(record.withState(record.state().withStatus(ContainerState.Status.paused)));
        }
        events.publish("container", "pause", record.id(), record.eventAttributes());
    }

    public void unpause(String idOrName) {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (lock(record.id())) {
            record = store.byId(record.id());
            if (record.state().status() != ContainerState.Status.paused) {
                throw ApiException.conflict("container " + record.id() + " is not paused");
            }
            try {
                processes.resume(record.id());
            } catch (IOException e) {
                throw new ApiException(500, "cannot unpause container " + idOrName + ": " + e.getMessage());
            }
            store.save(record.withState(record.state().withStatus(ContainerState.Status.running)));
        }
        events.publish("container", "unpause", record.id(), record.eventAttributes());
    }

    public void restart(String idOrName, Integer timeoutSeconds, String signal) {
        try {
            stop(idOrName, timeoutSeconds, signal);
        } catch (ApiException e) {
            if (e.status() != 304) {
                throw e;
            }
        }
        start(idOrName);
    }

    /**
     * After an engine restart: containers that still run are watched again; those that ended while no engine
     * ran are recorded as exited, their resources freed.
     */
    void recover() {
        for (ContainerRecord record : store.all()) {
            String id = record.id();
            if (!record.state().isAlive()) {
                // an engine killed while starting it left the runtime's half-made container (runc init waiting
                // under its conmon) and the mounted root; the network sweep that follows frees its namespace
                if (processes.hasState(id)) {
                    LOG.info("freeing the half-started container {}", record.shortId());
                    processes.release(id);
                    images.unmountRootfs(id);
                }
                continue;
            }
            if (record.state().status() != ContainerState.Status.restarting && processes.isRunning(id)) {
                // the proxy listeners died with the previous engine
                ports.restore(record);
                oom.watch(id);
                watchers.execute(() -> watchExit(id));
            } else {
                OptionalInt code = processes.exitCode(id);
                handleExit(id, code.orElse(255));
            }
        }
    }

    void shutdown() {
        watchers.shutdownNow();
        oom.closeAll();
        cleanup.drain();
    }

}
