package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A bridge network through the CNI bridge plugin: a host bridge with the gateway address, one veth pair per
 * container endpoint, addresses from host-local IPAM, and (unless internal) masquerading for traffic leaving
 * the subnet ({@link SubnetMasquerade}). The default {@code bridge} network and every user-defined one are each one of these.
 */
public final class BridgeNetwork {

    /** The container side's name for the first network, as in Docker; further ones are eth1, eth2… */
    public static final String CONTAINER_INTERFACE = "eth0";
    static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    /**
     * What the plugin chain is made from.
     *
     * @param cniName     the CNI network name: host-local keeps leases in {@code ipamDataDir/cniName}
     * @param internal    no default route, no masquerading
     * @param mtu         0 for the plugin's default
     * @param ipRange     the part of the subnet addresses are handed out from; null for all of it
     * @param reserved    addresses never handed out (AuxiliaryAddresses)
     */
    public record Spec(String cniName, String bridgeName, Ipv4Subnet subnet, String gateway, boolean internal, int mtu,
                       Path ipamDataDir, String ipRange, List<String> reserved) {
        public Spec {
            reserved = reserved == null ? List.of() : List.copyOf(reserved);
        }

        public Spec(String cniName, String bridgeName, Ipv4Subnet subnet, String gateway, boolean internal, int mtu, Path ipamDataDir) {
            this(cniName, bridgeName, subnet, gateway, internal, mtu, ipamDataDir, null, List.of());
        }
    }

    private final Spec spec;
    private final CniInvoker cni;
    private final ObjectMapper mapper;
    private volatile boolean prepared;

    public BridgeNetwork(Spec spec, CniInvoker cni, ObjectMapper mapper) {
        this.spec = spec;
        this.cni = cni;
        this.mapper = mapper;
    }

    /** The default bridge from the engine's settings. */
    public BridgeNetwork(NetworkSettings settings, CniInvoker cni, ObjectMapper mapper) {
        this(new Spec(NetworkMode.DEFAULT_BRIDGE, settings.bridgeName(), settings.subnet(), settings.gateway(), false,
                settings.mtu(), settings.ipamDataDir()), cni, mapper);
    }

    /** The CNI network name; for the default bridge Docker's name for it. */
    public String name() {
        return spec.cniName();
    }

    public String bridgeName() {
        return spec.bridgeName();
    }

    public Ipv4Subnet subnet() {
        return spec.subnet();
    }

    public String gateway() {
        return spec.gateway();
    }

    public boolean internal() {
        return spec.internal();
    }

    /** The chain for a container's first network: its default route goes through this bridge (unless internal). */
    public CniNetworkList configuration() {
        return configuration(true);
    }

    /**
     * The plugin chain: bridge with host-local IPAM. Only one endpoint of a container may carry the default
     * route (a second one would clash in the container's table), so later networks get none.
     */
    public CniNetworkList configuration(boolean defaultRoute) {
        return configuration(defaultRoute, null);
    }

    /**
     * As {@link #configuration(boolean)}; with {@code requestedIp}, host-local gives that address (anywhere in the
     * subnet, as dockerd allows a fixed address outside the IPRange) or fails when it is taken.
     */
    public CniNetworkList configuration(boolean defaultRoute, String requestedIp) {
        ObjectNode bridge = mapper.createObjectNode();
        bridge.put("type", "bridge");
        bridge.put("bridge", spec.bridgeName());
        bridge.put("isGateway", true);
        // one rule per network (SubnetMasquerade) rather than the plugin's chain per container
        bridge.put("ipMasq", false);
        // lets a container reach itself through a published port of the host, once ports exist
        bridge.put("hairpinMode", true);
        if (spec.mtu() != 0) {
            bridge.put("mtu", spec.mtu());
        }
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        var ranges = ipam.putArray("ranges").addArray();
        if (requestedIp != null || (spec.ipRange() == null && spec.reserved().isEmpty())) {
            ObjectNode range = ranges.addObject();
            range.put("subnet", spec.subnet().toString());
            range.put("gateway", spec.gateway());
        } else {
            List<String> reserved = new java.util.ArrayList<>(spec.reserved());
            reserved.add(spec.gateway());
            for (AllocationRanges.Run run : AllocationRanges.of(spec.subnet(), spec.ipRange(), reserved)) {
                ObjectNode range = ranges.addObject();
                range.put("subnet", spec.subnet().toString());
                range.put("rangeStart", run.firstAddress());
                range.put("rangeEnd", run.lastAddress());
                range.put("gateway", spec.gateway());
            }
        }
        if (requestedIp != null) {
            // host-local's own argument for a fixed address (CNI's "ips" convention)
            bridge.putObject("args").putObject("cni").putArray("ips").add(requestedIp);
        }
        var routes = ipam.putArray("routes");
        if (defaultRoute && !spec.internal()) {
            routes.addObject().put("dst", "0.0.0.0/0");
        }
        ipam.put("dataDir", spec.ipamDataDir().toString());
        return new CniNetworkList(CniNetworkList.CNI_VERSION, name(), List.of(bridge));
    }

    /** Puts the container's eth0 on the bridge with an address and a default route; returns what the plugins did. */
    public CniResult connect(String containerId, Path netns) {
        return connect(configuration(), containerId, netns, CONTAINER_INTERFACE);
    }

    /** Runs ADD of {@code list} (one of {@link #configuration(boolean)}) for the container's {@code ifName}. */
    public CniResult connect(CniNetworkList list, String containerId, Path netns, String ifName) {
        prepare();
        return cni.add(list, new CniInvoker.Target(containerId, netns, ifName));
    }

    /**
     * Releases the container's address and removes its veth and NAT rules. Safe to repeat, and safe when the
     * namespace is already gone (the veth went with it; the rules are then found by name).
     */
    public void disconnect(String containerId, Path netns, JsonNode previousResult) {
        disconnect(cni, configuration(), containerId, netns, CONTAINER_INTERFACE, previousResult);
    }

    /** DEL with the very chain ADD ran with (kept in the attachment), so a changed network cannot leak. */
    static void disconnect(CniInvoker cni, CniNetworkList list, String containerId, Path netns, String ifName,
                           JsonNode previousResult) {
        cni.delete(list, new CniInvoker.Target(containerId, netns, ifName), previousResult);
        if (!Files.exists(netns)) {
            MasqueradeLeftovers.remove(list.name(), containerId);
        }
    }

    public boolean bridgeExists() {
        return LinuxBridge.exists(spec.bridgeName());
    }

    /**
     * Deletes the host bridge and its NAT rule (for tests, uninstall and network removal; the engine keeps them
     * between containers). Veths still on it are detached by the kernel, not deleted: detach the containers first.
     */
    public void removeBridge() {
        LinuxBridge.remove(spec.bridgeName());
        SubnetMasquerade.remove(spec.bridgeName(), spec.subnet());
    }

    /**
     * Once per engine: containers' traffic leaves the subnet only if the host forwards it (the plugin also
     * turns this on for gateways; doing it here makes it not depend on that). host-local makes its dataDir.
     */
    private void prepare() {
        if (!spec.internal()) {
            SubnetMasquerade.ensure(spec.bridgeName(), spec.subnet());
        }
        if (prepared) {
            return;
        }
        try {
            if (!Files.readString(IP_FORWARD).trim().equals("1")) {
                Files.writeString(IP_FORWARD, "1\n");
            }
        } catch (IOException e) {
            throw new NetworkException("cannot enable IPv4 forwarding in " + IP_FORWARD + ": " + e.getMessage()
                    + " (the engine runs as root, with a writable /proc/sys)", e);
        }
        prepared = true;
    }
}
