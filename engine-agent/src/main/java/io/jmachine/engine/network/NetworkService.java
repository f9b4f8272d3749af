package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Gives each container its network and takes it away: a namespace with lo and one interface per bridge
 * network it is on (eth0, eth1…), or the host's. Every step is recorded before it is taken, so that
 * {@link #detach} undoes exactly what exists, however far an attach got before a crash. Calls for one
 * container must not overlap (the engine serializes them); calls for different containers may.
 */
public final class NetworkService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkService.class);

    private final NetworkNamespaces namespaces;
    private final NetworkRegistry registry;
    private final AttachmentStore store;
    private final EmbeddedDns dns;
    private final EndpointRequests requests;
    private final CniEndpoints endpoints;
    private final UserNetworks userNetworks;

    NetworkService(NetworkNamespaces namespaces, NetworkRegistry registry, CniInvoker cni, AttachmentStore store, EmbeddedDns dns,
                   ObjectMapper mapper) {
        this.namespaces = namespaces;
        this.registry = registry;
        this.store = store;
        this.dns = dns;
        this.endpoints = new CniEndpoints(registry, cni, store, namespaces, mapper);
        this.userNetworks = new UserNetworks(registry, dns, this);
        this.requests = new EndpointRequests(store.directory().resolveSibling("requests"), registry, mapper);
    }

    /** Without embedded DNS: for tests of the attachment side. */
    public static NetworkService create(NetworkSettings settings, ObjectMapper mapper) {
        return create(settings, mapper, id -> Optional.empty(), List::of, -1);
    }

    /**
     * The engine's: user networks' bridges are made again and their DNS servers started.
     *
     * @param hostResolvers where names the engine does not know are forwarded
     * @param dnsPort       53; negative for no embedded DNS
     */
    public static NetworkService create(NetworkSettings settings, ObjectMapper mapper, ContainerDirectory names,
                                        Supplier<List<String>> hostResolvers, int dnsPort) {
        CniInvoker cni = new CniInvoker(settings.cniPluginDir(), mapper);
        NetworkRegistry registry = NetworkRegistry.open(settings, cni, mapper);
        AttachmentStore store = new AttachmentStore(settings.attachmentsDir(), mapper);
        EmbeddedDns dns = new EmbeddedDns(registry, store, names, hostResolvers, dnsPort);
        NetworkService service = new NetworkService(new NetworkNamespaces(settings.netnsPrefix()), registry, cni, store, dns, mapper);
        if (dns.enabled()) {
            registry.ensureBridges();
            registry.all().forEach(dns::start);
        }
        return service;
    }

    /** The port the embedded DNS listens on in production. */
    public static int embeddedDnsPort() {
        return EmbeddedDns.defaultPort();
    }

    /** The default bridge's CNI side. */
    public BridgeNetwork bridge() {
        return registry.bridgeOf(registry.defaultBridge());
    }

    public NetworkRegistry networks() {
        return registry;
    }

    public NetworkNamespaces namespaces() {
        return namespaces;
    }

    /** What each container asked for (kept from create to remove), which {@link #attach} callers pass back. */
    public EndpointRequests requests() {
        return requests;
    }

    /** Attaches to {@code mode} alone, with no aliases and the host's DNS. */
    public NetworkAttachment attach(String containerId, NetworkMode mode) {
        return attach(containerId, new AttachRequest(mode, List.of(), List.of()));
    }

    /**
     * Sets up the container's network. Whatever an earlier attach of the same container left (a crash) is
     * undone first; if this one fails half way, what it made is undone before the failure is thrown.
     */
    public NetworkAttachment attach(String containerId, AttachRequest request) {
        return begin(containerId, request).finish();
    }

    /**
     * The first half of {@link #attach}: the container's namespace, made now, so that its process can be created
     * in it while {@link PendingAttachment#finish} sets up the interfaces.
     */
    public PendingAttachment begin(String containerId, AttachRequest request) {
        detach(containerId);
        NetworkMode mode = request.mode();
        if (mode instanceof NetworkMode.Bridge bridged) {
            NetworkRecord network = registry.resolve(bridged.name());
            if (network.driver().equals(NetworkRecord.DRIVER_HOST)) {
                mode = new NetworkMode.Host();
            } else if (network.driver().equals(NetworkRecord.DRIVER_NULL)) {
                mode = new NetworkMode.None();
            }
        }
        if (mode instanceof NetworkMode.Host) {
            NetworkAttachment attachment = NetworkAttachment.host(containerId);
            store.write(AttachmentStore.Stored.of(attachment));
            return PendingAttachment.done(attachment);
        }
        NetworkMode netnsMode = mode;
        Supplier<NetworkAttachment> endpointsOf = switch (mode) {
            case NetworkMode.Bridge bridged -> bridged(containerId, bridged, request);
            default -> () -> NetworkAttachment.isolated(containerId, namespaces.pathFor(containerId));
        };
        Path netns = withRollback(containerId, () -> netns(containerId, netnsMode, request.dnsServers()));
        // lo is up already (NetworkNamespaces)
        return new PendingAttachment(netns, () -> withRollback(containerId, endpointsOf));
    }

    /**
     * Connects a running container to one more network: an interface eth1, eth2… with its own address.
     * Docker's 403 when it is on that network already.
     */
    public NetworkAttachment connect(String containerId, EndpointRequest request) {
        AttachmentStore.Stored stored = store.read(containerId)
                .orElseThrow(() -> EngineException.conflict("container " + containerId + " is not running"));
        NetworkAttachment current = stored.attachment();
        if (!(current.mode() instanceof NetworkMode.Bridge)) {
            throw EngineException.invalid("container sharing network namespace with host or in network mode none cannot be "
                    + "connected to another network");
        }
        NetworkRecord network = bridgeNetwork(request.network());
        if (current.endpointOn(network.id()).isPresent()) {
            throw EngineException.forbidden("endpoint with name " + containerId.substring(0, 12) + " already exists in network "
                    + network.name());
        }
        Set<String> used = new HashSet<>();
        stored.endpoints().forEach(e -> used.add(e.endpoint().ifName()));
        String ifName = nextInterface(used);
        try {
            endpoints.add(stored, network, ifName, request.config(), false);
        } catch (RuntimeException failure) {
            // undo this endpoint only: the container keeps the networks it had
            AttachmentStore.Stored now = store.read(containerId).orElse(stored);
            now.endpoints().stream().filter(e -> ifName.equals(e.endpoint().ifName())).findFirst().ifPresent(half -> {
                try {
                    endpoints.remove(now, half);
                    List<AttachmentStore.StoredEndpoint> rest = new ArrayList<>(now.endpoints());
                    rest.remove(half);
                    store.write(now.withEndpoints(rest));
                } catch (RuntimeException cleanup) {
                    failure.addSuppressed(cleanup);
                }
            });
            throw failure;
        }
        return routeOut(store.read(containerId).orElseThrow());
    }

    /** Takes the container off one network (DEL of that endpoint only); Docker's 403 when it is not on it. */
    public NetworkAttachment disconnect(String containerId, String networkIdOrName) {
        NetworkRecord network = registry.resolve(networkIdOrName);
        AttachmentStore.Stored stored = store.read(containerId).orElse(null);
        Optional<AttachmentStore.StoredEndpoint> endpoint = stored == null ? Optional.empty()
                : stored.endpoints().stream().filter(e -> network.id().equals(e.endpoint().networkId())).findFirst();
        if (endpoint.isEmpty()) {
            throw EngineException.forbidden("container " + containerId + " is not connected to network " + network.name());
        }
        endpoints.remove(stored, endpoint.get());
        List<AttachmentStore.StoredEndpoint> rest = new ArrayList<>(stored.endpoints());
        rest.remove(endpoint.get());
        AttachmentStore.Stored updated = stored.withEndpoints(rest);
        store.write(updated);
        return routeOut(updated);
    }

    /**
     * Takes the container's network away: CNI DEL per endpoint (address, veth, NAT rules), then the namespace,
     * then the record. Idempotent; works from the record alone after an engine restart, and from the
     * namespace alone if the record was never written. If a DEL fails, the namespace and record stay so that
     * a retry can finish.
     */
    public void detach(String containerId) {
        Optional<AttachmentStore.Stored> stored = store.read(containerId);
        boolean netnsExists = namespaces.exists(containerId);
        if (stored.isPresent()) {
            for (AttachmentStore.StoredEndpoint endpoint : stored.get().endpoints().reversed()) {
                endpoints.remove(stored.get(), endpoint);
            }
        } else if (netnsExists) {
            // no record but a namespace: we cannot know whether it was bridged, and DEL is harmless if not
            bridge().disconnect(containerId, namespaces.pathFor(containerId), null);
        }
        namespaces.delete(containerId);
        store.delete(containerId);
    }

    /** What the container is attached to, as recorded; empty if it has no network set up. */
    public Optional<NetworkAttachment> attachment(String containerId) {
        return store.read(containerId).map(AttachmentStore.Stored::attachment);
    }

    /** Where the container's published ports go: see {@link NetworkAttachment#externalEndpoint}. */
    public Optional<NetworkAttachment.Endpoint> externalEndpoint(NetworkAttachment attachment) {
        return attachment.externalEndpoint(networkId -> networkId != null
                && registry.find(networkId).map(NetworkRecord::internal).orElse(false));
    }

    /** The containers with a recorded attachment. */
    public List<String> attachedContainers() {
        return store.containerIds();
    }

    /** The attachments with an endpoint on the network (its "active endpoints"). */
    public List<NetworkAttachment> attachmentsOn(String networkId) {
        return store.all().stream().map(AttachmentStore.Stored::attachment)
                .filter(a -> a.endpointOn(networkId).isPresent()).toList();
    }

    /** Where the container's resolv.conf should point: its first network's DNS server if that is a user network. */
    public Optional<String> embeddedDnsFor(NetworkAttachment attachment) {
        if (!dns.enabled()) {
            return Optional.empty();
        }
        return attachment.primary().flatMap(e -> Optional.ofNullable(e.networkId())).flatMap(registry::find)
                .filter(NetworkRecord::userDefined).map(NetworkRecord::gateway);
    }

    /** Makes a user-defined network and starts its DNS server. */
    public NetworkRecord createNetwork(NetworkRegistry.CreateRequest request) {
        return userNetworks.create(request);
    }

    /** Removes a user network: refused (Docker's words) while a container is on it, and for the built-in ones. */
    public void removeNetwork(String idOrName) {
        userNetworks.remove(idOrName);
    }

    /** network prune: the user networks no container is on that {@code wanted} selects; returns their names. */
    public List<String> pruneNetworks(Predicate<NetworkRecord> wanted) {
        return userNetworks.prune(wanted);
    }

    /**
     * Cleans up after containers that no longer exist (an engine crash, a container removed while the engine
     * was down): detaches every recorded container not in {@code liveContainerIds}, on every network, then
     * deletes our namespaces that no live container owns. Returns how many containers or namespaces it cleaned up.
     */
    public int sweep(Set<String> liveContainerIds) {
        int cleaned = 0;
        for (String containerId : store.containerIds()) {
            if (!liveContainerIds.contains(containerId)) {
                try {
                    detach(containerId);
                    cleaned++;
                } catch (RuntimeException e) {
                    // the engine must come up even when a dead container's DEL fails (its veth or bridge already
                    // gone): the record stays, so the next sweep or `docker rm` tries again
                    LOG.warn("could not clean up the network of gone container {}: {}", containerId, e.getMessage());
                }
            }
        }
        Set<String> liveNames = new HashSet<>();
        liveContainerIds.forEach(id -> liveNames.add(namespaces.nameFor(id)));
        for (String name : namespaces.list()) {
            if (!liveNames.contains(name)) {
                namespaces.deleteNamed(name);
                cleaned++;
            }
        }
        return cleaned;
    }

    /** The networks are resolved now (a missing one fails before the namespace is made); the endpoints come later. */
    private Supplier<NetworkAttachment> bridged(String containerId, NetworkMode.Bridge mode, AttachRequest request) {
        List<NetworkRecord> networks = new ArrayList<>();
        List<EndpointConfig> configs = new ArrayList<>();
        NetworkRecord primary = bridgeNetwork(mode.name());
        networks.add(primary);
        configs.add(configFor(primary, request));
        for (EndpointRequest endpoint : request.endpoints()) {
            NetworkRecord network = registry.resolve(endpoint.network());
            if (networks.stream().noneMatch(n -> n.id().equals(network.id()))) {
                networks.add(bridgeNetwork(endpoint.network()));
                configs.add(endpoint.config());
            }
        }
        return () -> {
            for (int i = 0; i < networks.size(); i++) {
                // the MAC address asked for is the network mode's interface's, as dockerd gives it
                endpoints.add(store.read(containerId).orElseThrow(), networks.get(i), "eth" + i, configs.get(i), i == 0,
                        i == 0 ? request.macAddress() : null);
            }
            // on one network the plugin gave eth0 the way out already (none on an internal one): no ip process for it
            AttachmentStore.Stored stored = store.read(containerId).orElseThrow();
            NetworkAttachment attachment = networks.size() == 1 ? stored.attachment() : routeOut(stored);
            if (attachment.netnsPath() == null || !attachment.netnsPath().equals(namespaces.pathFor(containerId))) {
                throw new IllegalStateException("attachment of " + containerId + " lost its namespace");
            }
            return attachment;
        };
    }

    private EndpointConfig configFor(NetworkRecord network, AttachRequest request) {
        return request.endpoints().stream()
                .filter(e -> registry.find(e.network()).map(n -> n.id().equals(network.id())).orElse(false))
                .findFirst().map(EndpointRequest::config).orElse(EndpointConfig.NONE);
    }

    /**
     * The container's default route goes through its external endpoint, as dockerd's follows its gateway endpoint
     * when networks come and go (the bridge plugin gives it to the first network only); none when it has none.
     */
    private NetworkAttachment routeOut(AttachmentStore.Stored stored) {
        NetworkAttachment attachment = stored.attachment();
        if (stored.netns() == null) {
            return attachment;
        }
        String netns = Path.of(stored.netns()).getFileName().toString();
        Optional<NetworkAttachment.Endpoint> out = externalEndpoint(attachment);
        if (out.isPresent() && out.get().gateway() != null) {
            HostProcess.runChecked(List.of("ip", "-n", netns, "route", "replace", "default", "via", out.get().gateway(),
                    "dev", out.get().ifName()));
        } else {
            // nothing to delete is fine: "ip route del" then fails, and there is no route out either way
            HostProcess.run(List.of("ip", "-n", netns, "route", "del", "default"));
        }
        return attachment;
    }

    NetworkRecord bridgeNetwork(String idOrName) {
        NetworkRecord network = registry.resolve(idOrName);
        if (!network.bridged()) {
            throw EngineException.invalid("container cannot be connected to network " + network.name()
                    + ": a container joins host or none only as its network mode");
        }
        return network;
    }

    private static String nextInterface(Set<String> used) {
        for (int i = 0; ; i++) {
            if (!used.contains("eth" + i)) {
                return "eth" + i;
            }
        }
    }

    /** Records the intent, then makes the namespace. */
    private Path netns(String containerId, NetworkMode mode, List<String> dnsServers) {
        Path netnsPath = namespaces.pathFor(containerId);
        store.write(AttachmentStore.Stored.of(containerId, mode, netnsPath, List.of(), dnsServers));
        return namespaces.create(containerId);
    }

    private <T> T withRollback(String containerId, Supplier<T> steps) {
        try {
            return steps.get();
        } catch (RuntimeException failure) {
            try {
                detach(containerId);
            } catch (RuntimeException cleanupFailure) {
                failure.addSuppressed(cleanupFailure);
            }
            throw failure;
        }
    }

    /** Stops the DNS servers; networks, bridges and attachments stay for the next start. */
    @Override
    public void close() {
        dns.close();
    }
}
