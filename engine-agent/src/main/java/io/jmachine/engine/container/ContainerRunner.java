package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.events.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Start, the end and the restart of containers: the state machine over the runtime, the network and
 * the root filesystem, with Docker's restart policies (stops and signals are {@link ContainerStops}). One lock per
 * container orders its transitions.
 */
final class ContainerRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRunner.class);
    /** How long the engine's start waits for the containers it starts for their restart policy. */
    private static final Duration START_WAIT = Duration.ofMinutes(2);

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
    /** The restart each restarting container waits for: cancelling removes it, and a stale one finds another there. */
    private final Map<String, Object> pendingRestarts = new ConcurrentHashMap<>();
    private final ExecutorService watchers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("exit-watch-", 0).factory());
    /** Each start's network half, beside the runtime's create. */
    private final ExecutorService joiners = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("network-join-", 0).factory());
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
        pendingRestarts.remove(id);
    }

    /** Starts a created or exited container; {@link StateChange#ALREADY} when it already runs. */
    public StateChange start(String idOrName) {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (lock(record.id())) {
            record = store.byId(record.id());
            if (record.state().status() == ContainerState.Status.paused) {
                throw EngineException.conflict("cannot start a paused container, try unpause instead");
            }
            if (record.state().isAlive()) {
                return StateChange.ALREADY;
            }
            stopping.remove(record.id());
            // a start by hand begins the count anew, as dockerd's ResetRestartManager
            launch(record.withRestartCount(0).withManuallyStopped(false));
            return StateChange.CHANGED;
        }
    }

    /**
     * Under the container's lock: from a stopped record to a running one, undoing every step if one fails. The
     * network's interfaces are set up while the root is mounted and the runtime creates the container in its namespace.
     */
    private void launch(ContainerRecord record) {
        String id = record.id();
        cleanup.await(id);
        List<String> linkEnv = LinkEnvironment.of(record, store::find);
        boolean networkBegun = false;
        Future<ContainerRecord.NetworkAttachment> networkJoined = null;
        Future<Path> rootfsMounted = null;
        ContainerRecord.NetworkAttachment network = null;
        StepTimes times = new StepTimes();
        try {
            // the root's mount alongside the network namespace's making: neither needs the other
            ContainerRecord mounting = record;
            rootfsMounted = joiners.submit(() -> images.mountRootfs(id, mounting.image()));
            // the network first: its half (CNI plugins) then runs alongside the root's mount as well as the create
            ContainerNetworking.PendingAttach pending = networking.begin(id, record.hostConfig(), record.config().macAddress());
            networkBegun = true;
            ContainerNetworking.EtcFiles etc = networking.reserveEtcFiles(store.folder(id));
            times.step("netns");
            ContainerRecord created = record;
            networkJoined = joiners.submit(() -> {
                long begun = System.nanoTime();
                ContainerRecord.NetworkAttachment attached = pending.finish();
                networking.writeEtcFiles(id, store.folder(id), created.config().hostname(), created.hostConfig());
                LOG.debug("joined the network of {} in {} ms, alongside the create", created.shortId(), (System.nanoTime() - begun) / 100_000 / 10.0);
                return attached;
            });
            Path rootfs = StartHalves.joined(rootfsMounted, "mounting the root file system");
            times.step("rootfs");
            record = record.withMountPoints(volumes.prepare(record.mountPoints(), rootfs));
            times.step("volumes");
            int pid;
            try {
                pid = processes.create(record, new ContainerProcesses.Launch(rootfs, pending.netnsPath(), etc.hosts(),
                        etc.resolvConf(), etc.hostname(), linkEnv));
            } catch (ContainerProcesses.StartFailure e) {
                // a failed network half takes its namespace with it, which the runtime then fails on: say the cause
                RuntimeException networkFailure = StartHalves.settle(networkJoined);
                if (networkFailure != null) {
                    throw networkFailure;
                }
                throw e;
            }
            times.step("create");
            network = StartHalves.joined(networkJoined, "setting up the network");
            record = record.withNetwork(network);
            times.step("network wait");
            // a taken host port refuses the start before the process runs
            ports.publish(record);
            times.step("ports");
            // clients that attached before start get everything from the first byte
            attachHub.containerCreated(id);
            processes.start(id);
            times.step("runtime start");
            record = record.withState(record.state().running(pid, clock.instant(), HealthCheck.of(record.config()).isPresent()));
            store.save(record);
            AttachmentEvents.joined(record, events);
            events.publish("container", "start", id, record.eventAttributes());
            oom.watch(id);
            times.step("record");
            LOG.debug("started {} in {}", record.shortId(), times);
            String started = id;
            watchers.execute(() -> watchExit(started));
        } catch (ContainerProcesses.StartFailure e) {
            StartHalves.settle(networkJoined);
            StartHalves.settle(rootfsMounted);
            cleanupAfterFailedStart(record, networkBegun);
            int code = e.dockerExitCode();
            store.save(record.withState(record.state().failedToStart(code, e.getMessage(), clock.instant())));
            attachHub.containerEnded(id);
            signals.exited(id, code);
            if (record.hostConfig().autoRemove()) {
                autoRemove.accept(id);
            }
            throw EngineException.invalid("failed to create task for container: " + e.getMessage());
        } catch (RuntimeException e) {
            StartHalves.settle(networkJoined);
            StartHalves.settle(rootfsMounted);
            cleanupAfterFailedStart(record, networkBegun);
            attachHub.containerEnded(id);
            // `docker run --rm` waits for the removal: a start refused before any process (a taken port) must end it too
            if (record.hostConfig().autoRemove()) {
                autoRemove.accept(id);
            }
            throw e;
        }
    }

    private void cleanupAfterFailedStart(ContainerRecord record, boolean networkBegun) {
        try {
            processes.release(record.id());
        } catch (RuntimeException e) {
            LOG.warn("cannot release the runtime state of {}: {}", record.shortId(), e.getMessage());
        }
        ports.unpublish(record.id());
        if (networkBegun) {
            // its namespace at least exists; detach frees whatever of the attach there is
            networking.detach(record.id(), record.network());
        }
        images.unmountRootfs(record.id());
    }

    private void watchExit(String id) {
        try {
            int code = processes.awaitExit(id);
            long exited = System.nanoTime();
            handleExit(id, code);
            LOG.debug("handled the exit of {} in {} ms", id.substring(0, 12), (System.nanoTime() - exited) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("watching container {} failed", id, e);
        }
    }

    /** The process ended: record it, free what it held, then apply the restart policy. */
    void handleExit(String id, int code) {
        ContainerRecord record;
        boolean restart;
        synchronized (lock(id)) {
            record = store.byId(id);
            // a restarting container's exit was handled already
            if (record == null || !record.state().running()) {
                return;
            }
            // at once, not with the queued cleanup: a stopped container's port must be free when stop returns
            ports.unpublish(id);
            // before free(): the runtime's delete takes the cgroup and its OOM counter with it
            boolean oomKilled = oom.ended(id);
            record = record.withState(record.state().exited(code, oomKilled, clock.instant()));
            // decided under the lock, with the state, so that a stop or kill either comes first and prevents the
            // restart or comes after and finds the container restarting
            restart = !stopping.getOrDefault(id, false) && RestartPolicy.shouldRestart(record, code);
            Duration delay = RestartPolicy.backoff(record, clock.instant());
            if (restart) {
                // dockerd counts the restart, and the container reads as running, from now
                record = record.withRestartCount(record.restartCount() + 1)
                        .withState(record.state().withStatus(ContainerState.Status.restarting));
            }
            store.save(record);
            attachHub.containerEnded(id);
            free(record);
            if (restart) {
                scheduleRestart(id, delay);
            }
        }
        Map<String, String> attributes = new java.util.HashMap<>(record.eventAttributes());
        attributes.put("exitCode", String.valueOf(code));
        events.publish("container", "die", id, attributes);
        AttachmentEvents.left(record, events);
        signals.exited(id, code);
        if (!restart && record.hostConfig().autoRemove()) {
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

    /** Under the container's lock: the restart of a restarting container, after its back-off. */
    private void scheduleRestart(String id, Duration delay) {
        Object ticket = new Object();
        pendingRestarts.put(id, ticket);
        watchers.execute(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (lock(id)) {
                ContainerRecord current = store.byId(id);
                if (!pendingRestarts.remove(id, ticket) || current == null || !current.state().restarting()) {
                    return;
                }
                try {
                    launch(current);
                } catch (RuntimeException e) {
                    LOG.warn("restarting container {} failed: {}", id, e.getMessage());
                    // a runtime refusal was recorded as an exit; anything else must not leave it restarting forever
                    ContainerRecord after = store.byId(id);
                    if (after != null && after.state().restarting()) {
                        store.save(after.withState(after.state().withStatus(ContainerState.Status.exited)));
                    }
                }
            }
        });
    }

    /**
     * Under the container's lock: a restarting container stops restarting and reads as exited, as dockerd's
     * ExitOnNext leaves it; the caller then releases its waiters ({@link #released}).
     */
    ContainerRecord cancelRestart(ContainerRecord record, boolean byHand) {
        pendingRestarts.remove(record.id());
        stopping.put(record.id(), true);
        ContainerRecord stopped = record.withState(record.state().withStatus(ContainerState.Status.exited)).withManuallyStopped(byHand);
        store.save(stopped);
        return stopped;
    }

    /** After {@link #cancelRestart}: who waits for the container to stop running learns its last exit code. */
    void released(ContainerRecord stopped) {
        signals.exited(stopped.id(), stopped.state().exitCode());
    }

    /** Under the container's lock: its coming exit is a stop, which no restart policy undoes. */
    void markStopping(String id) {
        stopping.put(id, true);
    }

    /**
     * After an engine restart: containers that still run are watched again; those that ended while no engine
     * ran are recorded as exited, their resources freed.
     */
    void recover() {
        List<Future<?>> starts = new ArrayList<>();
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
                if (RestartPolicy.startsWithTheEngine(record)) {
                    // stopped by the host's shutdown (or by hand, for always): dockerd starts them when it starts
                    starts.add(watchers.submit(() -> startWithTheEngine(id)));
                }
                continue;
            }
            if (record.state().restarting()) {
                // its exit was recorded before the engine went down; the restart it waited for comes now
                synchronized (lock(id)) {
                    scheduleRestart(id, RestartPolicy.FIRST_DELAY);
                }
                continue;
            }
            if (processes.isRunning(id)) {
                // the proxy listeners died with the previous engine
                ports.restore(record);
                oom.watch(id);
                watchers.execute(() -> watchExit(id));
            } else {
                OptionalInt code = processes.exitCode(id);
                handleExit(id, code.orElse(255));
            }
        }
        awaitStartsWithTheEngine(starts);
    }

    /**
     * As dockerd's restore, the engine serves once the containers it starts for their restart policy run (a client that
     * asks right after `start` sees them running), and the network sweep that follows counts them as live rather than
     * freeing a namespace a start is setting up. A start that takes longer than {@link #START_WAIT} is left to finish.
     */
    private void awaitStartsWithTheEngine(List<Future<?>> starts) {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        for (Future<?> start : starts) {
            try {
                start.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("containers started for their restart policy still starting after {} s: serving meanwhile", START_WAIT.toSeconds());
                return;
            } catch (ExecutionException e) {
                // startWithTheEngine logs its own failures
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void startWithTheEngine(String id) {
        try {
            start(id);
            LOG.info("started container {} for its restart policy", id.substring(0, 12));
        } catch (RuntimeException e) {
            LOG.warn("cannot start container {} for its restart policy: {}", id.substring(0, 12), e.getMessage());
        }
    }

    void shutdown() {
        watchers.shutdownNow();
        joiners.shutdownNow();
        oom.closeAll();
        cleanup.drain();
    }

}
