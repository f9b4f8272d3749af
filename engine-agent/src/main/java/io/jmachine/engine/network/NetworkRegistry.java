package io.jmachine.engine.network;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The engine's networks: the three built-in ones and the user-defined bridge networks, durable under the
 * data root. Creating a user network picks its subnet and makes its host bridge; removing one deletes the
 * bridge and the network's lease folder. Whether containers still use a network is the caller's check.
 */
public final class NetworkRegistry {

    /** Docker's options for a bridge network's device name and MTU. */
    public static final String OPTION_BRIDGE_NAME = "com.docker.network.bridge.name";
    public static final String OPTION_MTU = "com.docker.network.driver.mtu";

    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    /**
     * A create request in Docker's terms. Without an IPv4 entry in {@code ipam} (or one without a Subnet) the
     * subnet is picked from the pool.
     *
     * @param ipam           IPAM.Config: at most one IPv4 entry; IPv6 entries are kept and shown
     * @param enableIpv6     EnableIPv6, which wants an IPv6 entry with a Subnet, as dockerd without default IPv6 pools
     * @param checkDuplicate refuse a name another network has (the docker CLI sends true); without it dockerd 20.10
     *                       makes a second network of that name
     */
    public record CreateRequest(String name, String driver, List<IpamPool> ipam, boolean enableIpv6, boolean internal,
                                Map<String, String> labels, Map<String, String> options, boolean checkDuplicate) {
        public CreateRequest {
            ipam = ipam == null ? List.of() : List.copyOf(ipam);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            options = options == null ? Map.of() : Map.copyOf(options);
        }

        /** The IPv4 entry, or an empty one. */
        IpamPool ipv4() {
            List<IpamPool> pools = ipam.stream().filter(p -> !p.ipv6()).toList();
            if (pools.size() > 1) {
                throw EngineException.invalid("a network of jmachine-engine has one IPv4 subnet; " + pools.size()
                        + " IPv4 entries were given in IPAM.Config");
            }
            return pools.isEmpty() ? new IpamPool(null, null, null, null) : pools.getFirst();
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
                    subnet.toString(), settings.gateway(), settings.bridgeName(), NetworkMode.DEFAULT_BRIDGE, false, Map.of(),
                    Map.of("com.docker.network.bridge.default_bridge", "true", OPTION_BRIDGE_NAME, settings.bridgeName()), false,
                    null, false));
        } else if (!subnet.toString().equals(bridge.get().subnet()) || !settings.bridgeName().equals(bridge.get().bridgeName())
                || !settings.gateway().equals(bridge.get().gateway())) {
            store.save(bridge.get().withBridge(settings.bridgeName(), subnet.toString(), settings.gateway()));
        }
        if (byName("host").isEmpty()) {
            store.save(new NetworkRecord(newId(), "host", NetworkRecord.DRIVER_HOST, clock.instant(), null, null, null, null,
                    false, Map.of(), Map.of(), false, null, false));
        }
        if (byName("none").isEmpty()) {
            store.save(new NetworkRecord(newId(), "none", NetworkRecord.DRIVER_NULL, clock.instant(), null, null, null, null,
                    false, Map.of(), Map.of(), false, null, false));
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
        List<NetworkRecord> named = store.all().stream().filter(n -> n.name().equals(idOrName)).toList();
        if (named.size() > 1) {
            throw EngineException.invalid("network " + idOrName + " is ambiguous (" + named.size() + " matches found based on name)");
        }
        if (named.size() == 1) {
            return Optional.of(named.getFirst());
        }
        List<NetworkRecord> prefixed = store.all().stream().filter(n -> n.id().startsWith(idOrName)).toList();
        if (prefixed.size() > 1) {
            throw EngineException.invalid("network " + idOrName + " is ambiguous (" + prefixed.size() + " matches found on ID prefix)");
        }
        return prefixed.stream().findFirst();
    }

    /** The network, or Docker's 404. */
    public NetworkRecord resolve(String idOrName) {
        return find(idOrName).orElseThrow(() -> EngineException.notFound("network " + idOrName + " not found"));
    }

    /** Makes a user-defined bridge network: its record first, then its bridge, so a crash leaves no stray bridge. */
    public synchronized NetworkRecord create(CreateRequest request) {
        String name = request.name();
        // dockerd 20.10's only rule: not blank ("test 01" is a name)
        if (name == null || name.isBlank()) {
            throw EngineException.invalid("invalid name: " + (name == null ? "" : name) + ": a network needs a name");
        }
        if (NetworkRecord.PREDEFINED.contains(name)) {
            throw EngineException.forbidden("operation is not permitted on predefined " + name + " network");
        }
        if (request.checkDuplicate() && byName(name).isPresent()) {
            throw EngineException.conflict("network with name " + name + " already exists");
        }
        String driver = request.driver() == null || request.driver().isEmpty() ? NetworkRecord.DRIVER_BRIDGE : request.driver();
        if (driver.equals(NetworkRecord.DRIVER_HOST) || driver.equals(NetworkRecord.DRIVER_NULL)) {
            throw EngineException.forbidden("only one instance of \"" + driver + "\" network is allowed");
        }
        if (!driver.equals(NetworkRecord.DRIVER_BRIDGE)) {
            throw EngineException.notFound("plugin \"" + driver + "\" not found");
        }
        String id = newId();
        IpamPool ipv4 = request.ipv4();
        List<IpamPool> ipv6 = request.ipam().stream().filter(IpamPool::ipv6).toList();
        Ipv6Pools.validate(ipv6, request.enableIpv6());
        Ipv4Subnet subnet = subnetFor(ipv4);
        String gateway = gatewayFor(ipv4, subnet);
        boolean custom = ipv4.subnet() != null;
        List<IpamPool> shown = new java.util.ArrayList<>();
        // dockerd shows the user's entries as given, and the subnet and gateway it picked when there was none
        shown.add(custom ? ipv4 : new IpamPool(subnet.toString(), null, gateway, null));
        shown.addAll(ipv6);
        String bridgeName = request.options().getOrDefault(OPTION_BRIDGE_NAME, "br-" + id.substring(0, 12));
        if (!INTERFACE_NAME.matcher(bridgeName).matches()) {
            throw EngineException.invalid("invalid bridge name " + bridgeName + ": use 1 to 15 letters, digits, '_', '.' or '-'");
        }
        if (store.all().stream().anyMatch(n -> bridgeName.equals(n.bridgeName()))) {
            throw EngineException.conflict("bridge name " + bridgeName + " is already used by another network");
        }
        int mtu = mtuOf(request.options());
        NetworkRecord record = new NetworkRecord(id, name, driver, clock.instant(), subnet.toString(), gateway, bridgeName, id,
                request.internal(), request.labels(), request.options(), custom, shown, request.enableIpv6());
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
            throw EngineException.forbidden(network.name() + " is a pre-defined network and cannot be removed");
        }
        LinuxBridge.remove(network.bridgeName());
        SubnetMasquerade.remove(network.bridgeName(), network.ipv4Subnet());
        deleteTree(settings.ipamDataDir().resolve(network.cniName()));
        store.delete(network.id());
    }

    /** The CNI side of a bridge network (the default one, or a user network). */
    public BridgeNetwork bridgeOf(NetworkRecord network) {
        if (!network.bridged()) {
            throw new IllegalArgumentException("network " + network.name() + " has no bridge");
        }
        IpamPool pool = network.ipv4Pool().orElse(new IpamPool(null, null, null, null));
        return new BridgeNetwork(new BridgeNetwork.Spec(network.cniName(), network.bridgeName(), network.ipv4Subnet(),
                network.gateway(), network.internal(), network.predefined() ? settings.mtu() : mtuOf(network.options()),
                settings.ipamDataDir(), pool.ipRange(), List.copyOf(pool.auxiliaryAddresses().values())), cni, mapper);
    }

    /** The other networks of the same name (made without CheckDuplicate), for dockerd's warning. */
    public List<NetworkRecord> namesakes(NetworkRecord network) {
        return store.all().stream().filter(n -> n.name().equals(network.name()) && !n.id().equals(network.id())).toList();
    }

    private Optional<NetworkRecord> byName(String name) {
        return store.all().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    private Ipv4Subnet subnetFor(IpamPool pool) {
        List<Ipv4Subnet> taken = store.all().stream().map(NetworkRecord::ipv4Subnet).filter(java.util.Objects::nonNull).toList();
        if (pool.subnet() != null) {
            Ipv4Subnet wanted;
            try {
                wanted = Ipv4Subnet.parse(pool.subnet());
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid("invalid subnet " + pool.subnet() + ": " + e.getMessage());
            }
            if (taken.stream().anyMatch(wanted::overlaps)) {
                throw EngineException.forbidden("Pool overlaps with other one on this address space");
            }
            return wanted;
        }
        if (pool.ipRange() != null || pool.gateway() != null || !pool.auxiliaryAddresses().isEmpty()) {
            throw EngineException.invalid("IPAM config with an IPRange, a Gateway or AuxiliaryAddresses needs its Subnet");
        }
        return this.pool.allocate(taken, hostRoutes.get()).orElseThrow(() -> EngineException.invalid(
                "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network: "
                        + "give one with --subnet"));
    }

    /** The given gateway; else the IPRange's first address (dockerd's IPAM takes it from the range), else the subnet's. */
    private static String gatewayFor(IpamPool pool, Ipv4Subnet subnet) {
        if (pool.ipRange() != null) {
            AllocationRanges.Cidr range;
            try {
                range = AllocationRanges.Cidr.parse(pool.ipRange());
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid("invalid IPRange " + pool.ipRange() + ": " + e.getMessage());
            }
            if (!range.within(subnet)) {
                throw EngineException.invalid("invalid IPRange " + pool.ipRange() + ": it is not within the subnet " + subnet);
            }
        }
        pool.auxiliaryAddresses().forEach((host, address) -> {
            if (!inSubnet(subnet, address)) {
                throw EngineException.forbidden("auxiliary address: (" + host + ":" + address + ") must belong to the master pool: " + subnet);
            }
        });
        if (pool.gateway() == null) {
            return pool.ipRange() == null ? subnet.gateway() : AllocationRanges.firstUsable(subnet, pool.ipRange());
        }
        if (!inSubnet(subnet, pool.gateway())) {
            throw EngineException.invalid("no matching subnet for gateway " + pool.gateway());
        }
        return pool.gateway();
    }

    private static boolean inSubnet(Ipv4Subnet subnet, String address) {
        try {
            return subnet.contains(address);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("invalid IPv4 address " + address);
        }
    }

    private static int mtuOf(Map<String, String> options) {
        String mtu = options.get(OPTION_MTU);
        if (mtu == null || mtu.isEmpty()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(mtu);
            if (value < 576 || value > 65535) {
                throw EngineException.invalid("invalid MTU " + mtu + ": use 576 to 65535");
            }
            return value;
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid MTU " + mtu);
        }
    }

    private String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void deleteTree(Path dir) {
        try {
            Folder.deleteTree(dir);
        } catch (IOException e) {
            throw new NetworkException("cannot delete the leases in " + dir + ": " + e.getMessage(), e);
        }
    }
}
