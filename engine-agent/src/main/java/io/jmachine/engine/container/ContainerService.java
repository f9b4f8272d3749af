package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.network.EndpointConfig;
import io.jmachine.engine.volume.MountPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the container verbs mean: create, inspect, list, rename, remove, wait; start/stop and the rest of the
 * state machine are the runner's. No HTTP here: routes call these and render the records.
 */
public final class ContainerService {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerService.class);

    /**
     * A create request: the name (may be empty), the two halves of Docker's body, and NetworkingConfig's
     * networks (name or ID to what the container asks for there).
     */
    public record CreateRequest(String name, ContainerConfig config, HostConfig hostConfig, Map<String, EndpointConfig> networks) {
        public CreateRequest {
            networks = networks == null ? Map.of() : Map.copyOf(networks);
        }

        public CreateRequest(String name, ContainerConfig config, HostConfig hostConfig) {
            this(name, config, hostConfig, Map.of());
        }
    }

    private final ContainerStore store;
    private final ImageAccess images;
    private final ContainerNetworking networking;
    private final ContainerVolumes volumes;
    private final ContainerPorts ports;
    private final ContainerProcesses processes;
    private final EventBus events;
    private final ContainerRunner runner;
    private final AttachHub attachHub;
    private final ContainerStops stops;
    private final ContainerRemoval removal;
    private final ContainerLinks links;
    private final ContainerNetworkChanges networkChanges;
    private final ExitSignals signals = new ExitSignals();
    private final ContainerCleanup cleanup = new ContainerCleanup();
    private final ContainerNames names = new ContainerNames();
    private final Clock clock;
    private final HostDefaults hostDefaults;

    public ContainerService(ContainerStore store, ImageAccess images, ContainerNetworking networking, ContainerVolumes volumes,
                            ContainerPorts ports,
                            ContainerProcesses processes, EventBus events, Clock clock) {
        this(store, images, networking, volumes, ports, processes, events, clock, HostDefaults.RUNC_ON_CGROUP_V2);
    }

    /** @param hostDefaults the runtime and cgroup facts dockerd's create defaults depend on */
    public ContainerService(ContainerStore store, ImageAccess images, ContainerNetworking networking, ContainerVolumes volumes,
                            ContainerPorts ports, ContainerProcesses processes, EventBus events, Clock clock, HostDefaults hostDefaults) {
        this.hostDefaults = hostDefaults;
        this.store = store;
        this.images = images;
        this.networking = networking;
        this.volumes = volumes;
        this.ports = ports;
        this.processes = processes;
        this.events = events;
        this.clock = clock;
        this.attachHub = new AttachHub(processes);
        this.runner = new ContainerRunner(store, images, networking, volumes, ports, processes, events, signals, attachHub, cleanup, clock);
        this.stops = new ContainerStops(store, processes, events, signals, runner);
        this.removal = new ContainerRemoval(store, images, networking, volumes, ports, processes, events, runner, stops, signals, cleanup);
        this.links = new ContainerLinks(store, runner);
        this.networkChanges = new ContainerNetworkChanges(store, networking, ports, events, runner);
        runner.onAutoRemove(id -> {
            try {
                // --rm: the client waits for "removed", not for the cleanup behind it; as dockerd, it takes
                // the container's anonymous volumes with it
                removal.removeRecord(id, true, true);
            } catch (RuntimeException e) {
                LOG.warn("cannot auto-remove container {}: {}", id, e.getMessage());
            }
        });
    }

    /** Reads the stored containers and reconciles them with what still runs. */
    public void recover() {
        store.load();
        // removals and exits a crash interrupted: free what they still hold
        for (String orphan : store.orphanFolders()) {
            removal.forgetResources(orphan, null);
        }
        for (ContainerRecord record : store.all()) {
            if (record.state().isAlive() && processes.isRunning(record.id())) {
                attachHub.markLive(record.id());
            }
        }
        runner.recover();
    }

    ContainerRunner runner() {
        return runner;
    }

    ContainerStore store() {
        return store;
    }

    ContainerProcesses processes() {
        return processes;
    }

    public StateChange start(String idOrName) {
        return runner.start(idOrName);
    }

    public StateChange stop(String idOrName, Integer timeoutSeconds, String signal) {
        return stops.stop(idOrName, timeoutSeconds, signal);
    }

    public void restart(String idOrName, Integer timeoutSeconds, String signal) {
        stops.restart(idOrName, timeoutSeconds, signal);
    }

    public void kill(String idOrName, String signal) {
        stops.kill(idOrName, signal);
    }

    public void pause(String idOrName) {
        stops.pause(idOrName);
    }

    public void unpause(String idOrName) {
        stops.unpause(idOrName);
    }

    /** What a host's shutdown does: every running container stopped at once, restart policies left to bring them back. */
    public void stopAllForHostShutdown() {
        stops.stopAllForHostShutdown();
    }

    /** The container's record by its full ID, if it still exists. */
    public java.util.Optional<ContainerRecord> find(String id) {
        return java.util.Optional.ofNullable(store.byId(id));
    }

    /** The container's folder, where its hosts, hostname and resolv.conf files are. */
    public java.nio.file.Path folder(String id) {
        return store.folder(id);
    }

    public ContainerProcesses.LogSource logs(String id) {
        return processes.logs(id);
    }

    public void resize(String id, int height, int width) throws java.io.IOException {
        processes.resize(id, height, width);
    }

    public List<Integer> pids(String id) throws java.io.IOException {
        return processes.pids(id);
    }

    public ContainerProcesses.Usage usage(String id) throws java.io.IOException {
        return processes.usage(id);
    }

    /** A client's attach session gets the container's streams from now until it unregisters. */
    public void attach(String id, AttachHub.Session session) {
        attachHub.register(id, session);
    }

    public void detach(String id, AttachHub.Session session) {
        attachHub.unregister(id, session);
    }

    public ContainerRecord create(CreateRequest request) {
        return create(request, new ArrayList<>());
    }

    /** @param warnings gets what dockerd would warn about: settings this host cannot apply, discarded */
    public ContainerRecord create(CreateRequest request, List<String> warnings) {
        if (request.config() == null || request.config().image() == null || request.config().image().isEmpty()) {
            throw EngineException.invalid("config cannot be empty in order to create a container");
        }
        HostConfig hostConfig = CreateSettings.adapt(request.config(),
                request.hostConfig() != null ? request.hostConfig() : HostConfig.defaults(), hostDefaults, warnings);
        RestartPolicy.validate(hostConfig.restartPolicy(), hostConfig.autoRemove());
        // a bad option or seccomp profile is refused now rather than at every start
        SecurityOptions.parse(hostConfig.securityOpt() == null ? List.of() : hostConfig.securityOpt());
        ImageAccess.ResolvedImage image = images.resolve(request.config().image());
        String id = store.newId();
        ContainerConfig config = ContainerCreation.merge(request.config(), image.defaults(), id.substring(0, 12));
        List<String> commandLine = ContainerCreation.commandLine(config);
        ports.validate(config, hostConfig);
        ContainerRecord record;
        List<MountPoint> mounts = volumes.plan(id, config, hostConfig);
        try {
            synchronized (this) {
                String name = names.choose(request.name(), taken -> store.byName(taken) != null);
                ContainerRecord holder = store.byName(name);
                if (holder != null) {
                    throw EngineException.conflict("Conflict. The container name \"/" + name + "\" is already in use by container \""
                            + holder.id() + "\". You have to remove (or rename) that container to be able to reuse that name.");
                }
                networking.configure(id, hostConfig, request.networks());
                record = new ContainerRecord(id, name, clock.instant(), commandLine.get(0),
                        List.copyOf(commandLine.subList(1, commandLine.size())), image.id(), request.config().image(), config,
                        hostConfig, ContainerState.created(), 0, null, ContainerRecord.FORMAT_VERSION, mounts);
                store.save(record);
            }
        } catch (RuntimeException e) {
            volumes.removed(id, mounts, true);
            networking.forget(id);
            throw e;
        } finally {
            volumes.created(id);
        }
        events.publish("container", "create", id, record.eventAttributes());
        return record;
    }

    public ContainerRecord inspect(String idOrName) {
        return store.resolve(idOrName);
    }

    /** Newest first, as `docker ps`. */
    public List<ContainerRecord> list(boolean all) {
        List<ContainerRecord> records = new ArrayList<>();
        for (ContainerRecord record : store.all()) {
            if (all || record.state().isAlive()) {
                records.add(record);
            }
        }
        records.sort(Comparator.comparing(ContainerRecord::created).reversed());
        return records;
    }

    public void rename(String idOrName, String newName) {
        ContainerNames.validate(newName.startsWith("/") ? newName.substring(1) : newName);
        String name = newName.startsWith("/") ? newName.substring(1) : newName;
        ContainerRecord record = store.resolve(idOrName);
        synchronized (this) {
            ContainerRecord holder = store.byName(name);
            if (holder != null && !holder.id().equals(record.id())) {
                throw EngineException.conflict("Conflict. The container name \"/" + name + "\" is already in use by container \""
                        + holder.id() + "\". You have to remove (or rename) that container to be able to reuse that name.");
            }
            synchronized (runner.lock(record.id())) {
                record = store.byId(record.id());
                store.save(record.withName(name));
            }
        }
        var attributes = new java.util.HashMap<>(record.eventAttributes());
        attributes.put("oldName", "/" + record.name());
        attributes.put("name", name);
        events.publish("container", "rename", record.id(), attributes);
    }

    /**
     * Docker's rm: 409 for a running container unless forced; returns once the root filesystem, network and
     * monitor are freed, so that nothing of it is left when the client goes on.
     */
    public void remove(String idOrName, boolean force, boolean removeVolumes) {
        removal.remove(idOrName, force, removeVolumes);
    }

    /** Its legacy link names, "/parent/alias" per container linking to it, which `docker ps` lists beside its name. */
    public List<String> linkNames(ContainerRecord record) {
        return links.namesOf(record);
    }

    /** The container a parent's link of that alias points to ("/parent/alias" as a name); 404 when there is none. */
    public ContainerRecord resolveLink(String parentIdOrName, String alias) {
        return links.resolve(parentIdOrName, alias);
    }

    /** DELETE /containers/{parent}/{alias}?link=1: the parent's link of that alias goes; both containers stay. */
    public void removeLink(String parentIdOrName, String alias) {
        links.remove(parentIdOrName, alias);
    }

    /** network connect: at once when the container runs, from its next start either way. */
    public void connectNetwork(String idOrName, String network, EndpointConfig config) {
        networkChanges.connect(idOrName, network, config);
    }

    /** network disconnect, the reverse of {@link #connectNetwork}. */
    public void disconnectNetwork(String idOrName, String network) {
        networkChanges.disconnect(idOrName, network);
    }

    /** What the container asked for per network (NetworkingConfig, network connect), for inspect and ps. */
    public Map<String, EndpointConfig> endpointConfigs(ContainerRecord record) {
        return networking.endpointConfigs(record.id(), record.hostConfig());
    }

    /** attach: a client attached to the container's streams. */
    public void attached(ContainerRecord record) {
        events.publish("container", "attach", record.id(), record.eventAttributes());
    }

    /** commit: an image was made of the container. */
    public void committed(ContainerRecord record, String imageId, String imageRef, String comment) {
        Map<String, String> attributes = new java.util.HashMap<>(record.eventAttributes());
        attributes.put("imageID", imageId);
        attributes.put("imageRef", imageRef);
        attributes.put("comment", comment == null ? "" : comment);
        events.publish("container", "commit", record.id(), attributes);
    }

    /** A health verdict applied to a container's record: the record as saved, and its health before. */
    public record HealthChange(ContainerRecord record, ContainerHealth before) {
        public ContainerHealth after() {
            return record.state().health();
        }
    }

    /**
     * Applies a health monitor's verdict, under the container's lock, if the container still runs the start the
     * monitor watches: a probe that ends as the container stops or starts again must not overwrite its state.
     *
     * @return the change, or empty when the container is gone, stopped or started anew
     */
    public java.util.Optional<HealthChange> updateHealth(String id, java.time.Instant startedAt,
                                                         java.util.function.UnaryOperator<ContainerHealth> change) {
        synchronized (runner.lock(id)) {
            ContainerRecord record = store.byId(id);
            if (record == null || !record.state().running() || !record.state().startedAt().equals(startedAt)) {
                return java.util.Optional.empty();
            }
            // a run begun before its record had health (an older engine) starts at "starting" too
            ContainerHealth before = record.state().health() != null ? record.state().health() : ContainerHealth.starting();
            ContainerRecord updated = record.withState(record.state().withHealth(change.apply(before)));
            store.save(updated);
            return java.util.Optional.of(new HealthChange(updated, before));
        }
    }

    /** /containers/{id}/wait: completes with the exit code when the condition holds. */
    public CompletableFuture<Integer> waitFor(String idOrName, String condition) {
        ContainerRecord record = store.resolve(idOrName);
        String id = record.id();
        String wanted = condition == null || condition.isEmpty() ? "not-running" : condition;
        switch (wanted) {
            case "next-exit" -> {
                return signals.nextExit(id);
            }
            case "removed" -> {
                CompletableFuture<Integer> removed = signals.removal(id);
                if (store.byId(id) == null) {
                    removed.complete(record.state().exitCode());
                }
                return removed;
            }
            case "not-running" -> {
                synchronized (runner.lock(id)) {
                    ContainerRecord current = store.byId(id);
                    if (current == null || !current.state().isAlive()) {
                        return CompletableFuture.completedFuture(current == null ? record.state().exitCode() : current.state().exitCode());
                    }
                    return signals.nextExit(id);
                }
            }
            default -> throw EngineException.invalid("invalid condition: \"" + condition + "\"");
        }
    }

    /** container prune: every stopped container the (checked) label, label! and until filters select; returns the removed IDs. */
    public List<String> prune(io.jmachine.engine.filters.Filters filters) {
        Instant until = filters.time("until", clock.instant()).orElse(Instant.MAX);
        List<String> removed = new ArrayList<>();
        for (ContainerRecord record : store.all()) {
            if (!record.state().isAlive() && filters.matchesLabels(record.config().labels()) && !record.created().isAfter(until)) {
                remove(record.id(), false, false);
                removed.add(record.id());
            }
        }
        return removed;
    }

    public void shutdown() {
        runner.shutdown();
    }
}
