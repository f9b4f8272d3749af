package io.jmachine.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.jmachine.engine.network.HostRoutes;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The engine's services, built from its config: the one place that wires them (the front end serves them). */
final class EngineServices {

    private static final Logger LOG = LoggerFactory.getLogger(EngineServices.class);

    private final EngineBackend backend;
    private final HealthMonitors health;

    private EngineServices(EngineBackend backend, HealthMonitors health) {
        this.backend = backend;
        this.health = health;
    }

    static EngineServices start(EngineConfig config, String engineId, ObjectMapper json) {
        NetworkSettings networkSettings = networkSettings(config);
        // before anything is made: a route elsewhere into the default subnet silently takes its containers' traffic
        HostRoutes.foreignRouteInto(networkSettings).ifPresent(why -> {
            throw new ConfigException(why);
        });
        Clock clock = Clock.systemUTC();
        EventBus events = new EventBus(clock);
        ImageService images = ImageService.open(config.dataRoot());
        ContainerStore store = new ContainerStore(config.dataRoot().resolve("containers"), json);

        ContainerEtcFiles etcFiles = ContainerEtcFiles.fromHost();
        NetworkService network = NetworkService.create(networkSettings, json,
                id -> java.util.Optional.ofNullable(store.byId(id)).map(ContainerRecord::name), etcFiles::hostNameservers,
                NetworkService.embeddedDnsPort());
        EngineHost host = EngineHost.read();
        OciSpecFactory specs = OciSpecFactory.forThisHost();
        OciRuntime runtime = new RuntimeSelector(config.execRoot(), host.cgroups(),
                new RuntimeProbe(specs, OciSpecFactory.DEBIAN_TINI, config.execRoot().resolve("probe")),
                RuntimeSelector.defaultSearchPath()).select(config.runtime());
        LOG.info("OCI runtime: {} ({})", runtime.name(), runtime.binary());
        ContainerMonitor monitor = new ContainerMonitor(config.execRoot().resolve("monitor"), conmon(), runtime.binary(), runtime.root());
        int stranded = monitor.killStrandedLaunchers();
        if (stranded > 0) {
            LOG.info("killed {} container launchers that a killed engine left waiting", stranded);
        }
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

        RegistryService registry = new RegistryService(images.distribution(),
                new RegistryHosts(config.insecureRegistries(), config.registryMirrors()),
                config.dataRoot().resolve("image/distribution"), maxLayerBytes(), json);
        EngineBackend backend = new EngineBackend(engineId, json, clock, events, images, StoreImageAccess.usageOf(store), registry,
                new ImageBuilder(images, containers, new PullingBaseImages(images, registry), config.dataRoot(), json),
                containers, new ContainerUpdates(containers, events, CgroupFeatures.detect(host.cgroups()), host.onlineCpus(), json),
                new ContainerFiles(containers, images), execs, ports, volumes, network);
        return new EngineServices(backend, health);
    }

    /** The most one pulled layer may unpack to: -Djmachine.engine.max-layer-bytes, else 64 GiB. */
    private static long maxLayerBytes() {
        return Long.getLong("jmachine.engine.max-layer-bytes", RegistryService.DEFAULT_MAX_LAYER_BYTES);
    }

    private static NetworkSettings networkSettings(EngineConfig config) {
        NetworkSettings defaults = NetworkSettings.defaults(config.dataRoot());
        if (config.bridge() == null && config.bip() == null) {
            return defaults;
        }
        String bridge = config.bridge() != null ? config.bridge() : defaults.bridgeName();
        return config.bip() != null ? defaults.withBridge(bridge, config.bip()) : defaults.withBridge(bridge, defaults.subnet());
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

    EngineBackend backend() {
        return backend;
    }

    void stopContainersForHostShutdown() {
        backend.containers().stopAllForHostShutdown();
    }

    void close() {
        health.close();
        backend.containers().shutdown();
        backend.ports().close();
        backend.network().close();
    }
}
