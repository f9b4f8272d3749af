package io.jmachine.engine.network;

import io.jmachine.engine.api.ApiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine's networks: the three built-in ones and the user-defined bridge networks, durable under the
 * data root. Creating a user network picks its subnet and makes its host bridge; removing one deletes the
 * bridge and the network's lease folder. Whether containers still use a network is the caller's check.
 */
public final class NetworkRegistry {

    /** Docker's options for a bridge network's device name and MTU. */
    public static final String OPTION_BRIDGE_NAME = "com.docker.network.bridge.name";
    public static final String OPTION_MTU = "com.docker.network.driver.mtu";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    /** A create request in Docker's terms; null subnet means "pick one from the pool". */
    public record CreateRequest(String name, String driver, String subnet, String gateway, boolean internal,
                                Map<String, String> labels, Map<String, String> options) {
        public CreateRequest {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            options = options == null ? Map.of() : Map.copyOf(options);
        }
    }

    private final NetworkSettings settings;
    private final NetworkStore store;
    private final SubnetPool pool;
    private final Supplier<List<HostRoutes.Destination>> hostRoutes;
    private final CniInvoker cni;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    NetworkRegistry(NetworkSettings settings, NetworkStore store, SubnetPool pool, Supplier<List<HostRoutes.Destination>> hostRoutes,
                    CniInvoker cni, com.fasterxml.jackson.databind.ObjectMapper mapper, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.pool = pool;
        this.hostRoutes = hostRoutes;
        this.cni = cni;
        this.mapper = mapper;
        this.clock = clock;
        ensurePredefined();
    }

    static NetworkRegistry open(NetworkSettings settings, CniInvoker cni, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        return new NetworkRegistry(settings, new NetworkStore(settings.stateDir().resolve("networks"), mapper),
                SubnetPool.dockerDefaults(), HostRoutes::read, cni, mapper, Clock.systemUTC());
    }

    /** bridge, host and none exist from the first start; the default bridge follows the engine's --bridge/--bip. */
    private synchronized void ensurePredefined() {
        Ipv4Subnet subnet = settings.subnet();
        Optional<NetworkRecord> bridge = byName(NetworkMode.DEFAULT_BRIDGE);
        if (bridge.isEmpty()) {
            store.save(new NetworkRecord(newId(), NetworkMode.DEFAULT_BRIDGE, NetworkRecord.DRIVER_BRIDGE, clock.instant(),
                    subnet.toString(), subnet.gateway(), settings.bridgeName(), NetworkMode.DEFAULT_BRIDGE, false, Map.of(),
                    Map.of("com.docker.network.bridge.default_bridge", "true", OPTION_BRIDGE_NAME, settings.bridgeName()), false));
        } else if (!subnet.toString().equals(bridge.get().subnet()) || !settings.bridgeName().equals(bridge.get().bridgeName())) {
            store.save(bridge.get().withBridge(settings.bridgeName(), subnet.toString(), subnet.gateway()));
        }
        if (byName("host").isEmpty()) {
            store.save(new NetworkRecord(newId(), "host", NetworkRecord.DRIVER_HOST, clock.instant(), null, null, null, null,
                    false, Map.of(), Map.of(), false));
        }
        if (byName("none").isEmpty()) {
            store.save(new NetworkRecord(newId(), "none", NetworkRecord.DRIVER_NULL, clock.instant(), null, null, null, null,
                    false, Map.of(), Map.of(), false));
        }
    }

    /** Oldest first, the built-in ones before any user network. */
    public List<NetworkRecord> all() {
        return List.copyOf(store.all());
    }

    public NetworkRecord defaultBridge() {
        return byName(NetworkMode.DEFAULT_BRIDGE).orElseThrow();
    }

    /** Docker's lookup order: the full ID, then the name, then a unique ID prefix. */
    public Optional<NetworkRecord> find(String idOrName) {
        if (idOrName == null || idOrName.isEmpty()) {
            return Optional.empty();
        }
        if (idOrName.equals("default")) {
            // the CLI's name for "the daemon's default network mode" in NetworkMode and EndpointsConfig
            return byName(NetworkMode.DEFAULT_BRIDGE);
        }
        NetworkRecord exact = store.byId(idOrName);
        if (exact != null) {
            return Optional.of(exact);
        }
        Optional<NetworkRecord> named = byName(idOrName);
        if (named.isPresent()) {
            return named;
        }
        List<NetworkRecord> prefixed = store.all().stream().filter(n -> n.id().startsWith(idOrName)).toList();
        if (prefixed.size() > 1) {
            throw ApiException.badRequest("network " + idOrName + " is ambiguous (" + prefixed.size() + " matches found on ID prefix)");
        }
        return prefixed.stream().findFirst();
    }

    /** The network, or Docker's 404. */
    public NetworkRecord resolve(String idOrName) {
        return find(idOrName).orElseThrow(() -> ApiException.notFound("network " + idOrName + " not found"));
    }

    /** Makes a user-defined bridge network: its record first, then its bridge, so a crash leaves no stray bridge. */
    public synchronized NetworkRecord create(CreateRequest request) {
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("invalid network name \"" + name + "\": use letters, digits, '_', '.' and '-', "
                    + "starting with a letter or digit");
        }
        if (byName(name).isPresent()) {
            throw ApiException.conflict("network with name " + name + " already exists");
        }
        String driver = request.driver() == null || request.driver().isEmpty() ? NetworkRecord.DRIVER_BRIDGE : request.driver();
        if (driver.equals(NetworkRecord.DRIVER_HOST) || driver.equals(NetworkRecord.DRIVER_NULL)) {
            throw new ApiException(403, "only one instance of \"" + driver + "\" network is allowed");
        }
        if (!driver.equals(NetworkRecord.DRIVER_BRIDGE)) {
            throw ApiException.notFound("plugin \"" + driver + "\" not found");
        }
        String id = newId();
        Ipv4Subnet subnet = subnetFor(request);
        String gateway = gatewayFor(request, subnet);
        String bridgeName = request.options().getOrDefault(OPTION_BRIDGE_NAME, "br-" + id.substring(0, 12));
        if (!INTERFACE_NAME.matcher(bridgeName).matches()) {
            throw ApiException.badRequest("invalid bridge name " + bridgeName + ": use 1 to 15 letters, digits, '_', '.' or '-'");
        }
        if (store.all().stream().anyMatch(n -> bridgeName.equals(n.bridgeName()))) {
            throw ApiException.conflict("bridge name " + bridgeName + " is already used by another network");
        }
        int mtu = mtuOf(request.options());
        NetworkRecord record = new NetworkRecord(id, name, driver, clock.instant(), subnet.toString(), gateway, bridgeName, id,
                request.internal(), request.labels(), request.options(), request.subnet() != null && !request.subnet().isEmpty());
        store.save(record);
        try {
            LinuxBridge.ensure(bridgeName, gateway, subnet.prefixLength(), mtu);
        } catch (RuntimeException e) {
            try {
                LinuxBridge.remove(bridgeName);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            store.delete(id);
            throw e;
        }
        return record;
    }

    /** After an engine start: every user network's bridge is there with its address (a reboot removes them). */
    public void ensureBridges() {
        for (NetworkRecord network : store.all()) {
            if (network.userDefined()) {
                LinuxBridge.ensure(network.bridgeName(), network.gateway(), network.ipv4Subnet().prefixLength(), mtuOf(network.options()));
            }
        }
    }

    /** Deletes a user network's bridge, leases and record. Refuses the built-in ones as Docker does. */
    public synchronized void remove(NetworkRecord network) {
        if (network.predefined()) {
            throw new ApiException(403, network.name() + " is a pre-defined network and cannot be removed");
        }
        LinuxBridge.remove(network.bridgeName());
        deleteTree(settings.ipamDataDir().resolve(network.cniName()));
        store.delete(network.id());
    }

    /** The CNI side of a bridge network (the default one, or a user network). */
    public BridgeNetwork bridgeOf(NetworkRecord network) {
        if (!network.bridged()) {
            throw new IllegalArgumentException("network " + network.name() + " has no bridge");
        }
        return new BridgeNetwork(new BridgeNetwork.Spec(network.cniName(), network.bridgeName(), network.ipv4Subnet(),
                network.gateway(), network.internal(), network.predefined() ? settings.mtu() : mtuOf(network.options()),
                settings.ipamDataDir()), cni, mapper);
    }

    private Optional<NetworkRecord> byName(String name) {
        return store.all().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    private Ipv4Subnet subnetFor(CreateRequest request) {
        List<Ipv4Subnet> taken = store.all().stream().map(NetworkRecord::ipv4Subnet).filter(java.util.Objects::nonNull).toList();
        if (request.subnet() != null && !request.subnet().isEmpty()) {
            Ipv4Subnet wanted;
            try {
                wanted = Ipv4Subnet.parse(request.subnet());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid subnet " + request.subnet() + ": " + e.getMessage());
            }
            if (taken.stream().anyMatch(wanted::overlaps)) {
                throw new ApiException(403, "Pool overlaps with other one on this address space");
            }
            return wanted;
        }
        return pool.allocate(taken, hostRoutes.get()).orElseThrow(() -> ApiException.badRequest(
                "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network: "
                        + "give one with --subnet"));
    }

    private static String gatewayFor(CreateRequest request, Ipv4Subnet subnet) {
        if (request.gateway() == null || request.gateway().isEmpty()) {
            return subnet.gateway();
        }
        try {
            if (!subnet.contains(request.gateway())) {
                throw ApiException.badRequest("no matching subnet for gateway " + request.gateway());
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid gateway " + request.gateway());
        }
        return request.gateway();
    }

    private static int mtuOf(Map<String, String> options) {
        String mtu = options.get(OPTION_MTU);
        if (mtu == null || mtu.isEmpty()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(mtu);
            if (value < 576 || value > 65535) {
                throw ApiException.badRequest("invalid MTU " + mtu + ": use 576 to 65535");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid MTU " + mtu);
        }
    }

    private String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new NetworkException("cannot delete the leases in " + dir + ": " + e.getMessage(), e);
        }
    }
}
