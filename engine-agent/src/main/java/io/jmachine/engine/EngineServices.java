package io.jmachine.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.api.build.BuildRoutes;
import io.jmachine.engine.api.containers.ArchiveRoutes;
import io.jmachine.engine.api.containers.ContainerRoutes;
import io.jmachine.engine.api.containers.DiskUsageRoutes;
import io.jmachine.engine.api.containers.ExecRoutes;
import io.jmachine.engine.api.containers.ProcessRoutes;
import io.jmachine.engine.api.containers.UpdateRoutes;
import io.jmachine.engine.api.images.ImageRoutes;
import io.jmachine.engine.api.images.RegistryRoutes;
import io.jmachine.engine.api.networks.NetworkRoutes;
import io.jmachine.engine.api.system.EventRoutes;
import io.jmachine.engine.api.system.HostFacts;
import io.jmachine.engine.api.system.SwarmRoutes;
import io.jmachine.engine.api.system.SystemRoutes;
import io.jmachine.engine.api.volumes.VolumeRoutes;
import io.jmachine.engine.build.ImageBuilder;
import io.jmachine.engine.build.PullingBaseImages;
import io.jmachine.engine.config.ConfigException;
import io.jmachine.engine.config.EngineConfig;
import io.jmachine.engine.container.CniContainerNetworking;
import io.jmachine.engine.container.ContainerFiles;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.container.ContainerStore;
import io.jmachine.engine.container.ContainerUpdates;
import io.jmachine.engine.container.ExecService;
import io.jmachine.engine.container.MonitoredProcesses;
import io.jmachine.engine.container.ProxiedContainerPorts;
import io.jmachine.engine.container.StoreImageAccess;
import io.jmachine.engine.container.VolumeMounts;
import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.health.ExecProbe;
import io.jmachine.engine.health.HealthMonitors;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.monitor.ContainerMonitor;
import io.jmachine.engine.network.ContainerEtcFiles;
import io.jmachine.engine.network.Ipv4Subnet;
import io.jmachine.engine.network.NetworkService;
import io.jmachine.engine.network.NetworkSettings;
import io.jmachine.engine.ports.PortPublisher;
import io.jmachine.engine.registry.RegistryHosts;
import io.jmachine.engine.registry.RegistryService;
import io.jmachine.engine.runtime.OciRuntime;
import io.jmachine.engine.runtime.RuntimeProbe;
import io.jmachine.engine.runtime.RuntimeSelector;
import io.jmachine.engine.runtime.cgroup.CgroupFeatures;
import io.jmachine.engine.runtime.spec.EngineHost;
import io.jmachine.engine.runtime.spec.OciSpecFactory;
import io.jmachine.engine.volume.MountParser;
import io.jmachine.engine.volume.VolumeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The engine's services, built from its config and joined to the API's routes: the one place that wires. */
final class EngineServices {

    private static final Logger LOG = LoggerFactory.getLogger(EngineServices.class);

    private final ImageService images;
    private final ContainerService containers;
    private final PortPublisher ports;
    private final NetworkService network;
    private final HealthMonitors health;

    private EngineServices(ImageService images, ContainerService containers, PortPublisher ports, NetworkService network,
                           HealthMonitors health) {
        this.health = health;
        this.images = images;
        this.containers = containers;
        this.ports = ports;
        this.network = network;
    }

    static EngineServices start(EngineConfig config, String engineId, ObjectMapper json, Router router) {
        Clock clock = Clock.systemUTC();
        EventBus events = new EventBus(clock);
        ImageService images = ImageService.open(config.dataRoot());
        ContainerStore store = new ContainerStore(config.dataRoot().resolve("containers"), json);

        ContainerEtcFiles etcFiles = ContainerEtcFiles.fromHost();
        NetworkService network = NetworkService.create(networkSettings(config), json,
                id -> java.util.Optional.ofNullable(store.byId(id)).map(ContainerRecord::name), etcFiles::hostNameservers,
                NetworkService.embeddedDnsPort());
        EngineHost host = EngineHost.read();
        OciSpecFactory specs = OciSpecFactory.forThisHost();
        OciRuntime runtime = new RuntimeSelector(config.execRoot(), host.cgroups(),
                new RuntimeProbe(specs, OciSpecFactory.DEBIAN_TINI, config.execRoot().resolve("probe")),
                RuntimeSelector.defaultSearchPath()).select(config.runtime());
        LOG.info("OCI runtime: {} ({})", runtime.name(), runtime.binary());
        ContainerMonitor monitor = new ContainerMonitor(config.execRoot().resolve("monitor"), conmon(), runtime.binary(), runtime.root());
        MonitoredProcesses processes = new MonitoredProcesses(specs, runtime, monitor, host.cgroups(),
                config.execRoot().resolve("bundles"), store);
        VolumeService volumes = VolumeService.open(config.dataRoot(), json, VolumeMounts.usageOf(store), events, clock);
        PortPublisher ports = PortPublisher.open(config.execRoot().resolve("ports"), json);
        ContainerService containers = new ContainerService(store, new StoreImageAccess(images),
                new CniContainerNetworking(network, etcFiles, store), new VolumeMounts(volumes, new MountParser(json), store),
                new ProxiedContainerPorts(ports), processes, events, clock,
                new io.jmachine.engine.container.HostDefaults(runtime.name(), host.cgroups().unified()));
        containers.recover();
        Set<String> live = store.all().stream().filter(c -> c.state().isAlive()).map(ContainerRecord::id).collect(Collectors.toSet());
        ports.sweep(live);
        int swept = network.sweep(live);
        if (swept > 0) {
            LOG.info("removed {} network leftovers of containers that are gone", swept);
        }
        ExecService execs = new ExecService(store, processes, events);
        // exec instances go with their container, as in dockerd
        events.subscribe(event -> {
            if (event.type().equals("container") && event.action().equals("destroy")) {
                execs.forgetContainer(event.actor().id());
            }
        }, 0);

        HealthMonitors health = new HealthMonitors(containers, new ExecProbe(execs, clock), events);
        health.open();

        EventRoutes eventRoutes = new EventRoutes(events, clock);
        eventRoutes.register(router);
        new SystemRoutes(engineId, config, HostFacts.read(), () -> counts(store, images, eventRoutes.listeners())).register(router);
        new SwarmRoutes().register(router);
        RegistryService registryService = new RegistryService(images.distribution(),
                new RegistryHosts(config.insecureRegistries(), config.registryMirrors()),
                config.dataRoot().resolve("image/distribution"), maxLayerBytes(), json);
        RegistryRoutes registry = new RegistryRoutes(registryService);
        registry.register(router);
        new ImageRoutes(images, StoreImageAccess.usageOf(store), registry, events).register(router);
        DiskUsageRoutes diskUsage = new DiskUsageRoutes(containers, images, clock, ports, volumes);
        diskUsage.register(router);
        new ContainerRoutes(containers, clock, diskUsage::sizes, ports,
                record -> images.containerGraphDriverData(record.id(), record.image()), execs::pendingIds).register(router);
        new ExecRoutes(execs).register(router);
        new UpdateRoutes(new ContainerUpdates(containers, events, CgroupFeatures.detect(host.cgroups()), host.onlineCpus(), json))
                .register(router);
        new ProcessRoutes(containers, clock).register(router);
        new VolumeRoutes(volumes).register(router);
        new ArchiveRoutes(new ContainerFiles(containers, images)).register(router);
        new NetworkRoutes(network, containers, clock, events).register(router);
        new BuildRoutes(new ImageBuilder(images, containers, new PullingBaseImages(images, registryService), config.dataRoot(), json))
                .register(router);
        return new EngineServices(images, containers, ports, network, health);
    }

    /** The most one pulled layer may unpack to: -Djmachine.engine.max-layer-bytes, else 64 GiB. */
    private static long maxLayerBytes() {
        return Long.getLong("jmachine.engine.max-layer-bytes", RegistryService.DEFAULT_MAX_LAYER_BYTES);
    }

    private static SystemRoutes.Counts counts(ContainerStore store, ImageService images, int eventListeners) {
        List<ContainerRecord> all = List.copyOf(store.all());
        // dockerd counts a restarting container as running
        int running = (int) all.stream().filter(c -> c.state().runningAsShown() && !c.state().paused()).count();
        int paused = (int) all.stream().filter(c -> c.state().paused()).count();
        return new SystemRoutes.Counts(all.size(), running, paused, all.size() - running - paused, images.all().size(), eventListeners);
    }

    private static NetworkSettings networkSettings(EngineConfig config) {
        NetworkSettings defaults = NetworkSettings.defaults(config.dataRoot());
        if (config.bridge() == null && config.bip() == null) {
            return defaults;
        }
        return defaults.withBridge(config.bridge() != null ? config.bridge() : defaults.bridgeName(),
                config.bip() != null ? Ipv4Subnet.parse(config.bip()) : defaults.subnet());
    }

    /** Debian installs conmon in /usr/bin; podman's packages put it in /usr/libexec/podman. */
    private static Path conmon() {
        for (Path candidate : List.of(Path.of("/usr/bin/conmon"), Path.of("/usr/libexec/podman/conmon"), Path.of("/usr/local/bin/conmon"))) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new ConfigException("conmon is missing: install it (apt-get install conmon); it keeps each container running "
                + "while the engine restarts");
    }

    ImageService images() {
        return images;
    }

    void stopContainersForHostShutdown() {
        containers.runner().stopAllForHostShutdown();
    }

    void close() {
        health.close();
        containers.shutdown();
        ports.close();
        network.close();
    }
}
