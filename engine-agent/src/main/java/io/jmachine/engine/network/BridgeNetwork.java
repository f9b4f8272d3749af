package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The default {@code bridge} network through the CNI bridge plugin: a host bridge (made by the plugin on
 * the first ADD) with the subnet's first address as gateway, one veth pair per container, addresses from
 * host-local IPAM, and masquerading for traffic leaving the subnet.
 */
public final class BridgeNetwork {

    /** The container side's name, as in Docker. */
    public static final String CONTAINER_INTERFACE = "eth0";
    static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    private final NetworkSettings settings;
    private final CniInvoker cni;
    private final ObjectMapper mapper;
    private volatile boolean prepared;

    public BridgeNetwork(NetworkSettings settings, CniInvoker cni, ObjectMapper mapper) {
        this.settings = settings;
        this.cni = cni;
        this.mapper = mapper;
    }

    /** Docker's name for it; also the CNI network name, which names host-local's lease folder. */
    public String name() {
        return NetworkMode.DEFAULT_BRIDGE;
    }

    public String bridgeName() {
        return settings.bridgeName();
    }

    public Ipv4Subnet subnet() {
        return settings.subnet();
    }

    public String gateway() {
        return settings.subnet().gateway();
    }

    /** The plugin chain: bridge with host-local IPAM. Port mapping and firewall plugins join it later. */
    public CniNetworkList configuration() {
        ObjectNode bridge = mapper.createObjectNode();
        bridge.put("type", "bridge");
        bridge.put("bridge", settings.bridgeName());
        bridge.put("isGateway", true);
        bridge.put("ipMasq", true);
        // lets a container reach itself through a published port of the host, once ports exist
        bridge.put("hairpinMode", true);
        if (settings.mtu() != 0) {
            bridge.put("mtu", settings.mtu());
        }
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        ObjectNode range = ipam.putArray("ranges").addArray().addObject();
        range.put("subnet", settings.subnet().toString());
        range.put("gateway", settings.subnet().gateway());
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        ipam.put("dataDir", settings.ipamDataDir().toString());
        return new CniNetworkList(CniNetworkList.CNI_VERSION, name(), List.of(bridge));
    }

    /** Puts the container's eth0 on the bridge with an address and a default route; returns what the plugins did. */
    public CniResult connect(String containerId, Path netns) {
        prepare();
        return cni.add(configuration(), new CniInvoker.Target(containerId, netns, CONTAINER_INTERFACE));
    }

    /**
     * Releases the container's address and removes its veth and NAT rules. Safe to repeat, and safe when the
     * namespace is already gone (the veth went with it; the rules are then found by name).
     */
    public void disconnect(String containerId, Path netns, JsonNode previousResult) {
        cni.delete(configuration(), new CniInvoker.Target(containerId, netns, CONTAINER_INTERFACE), previousResult);
        if (!Files.exists(netns)) {
            MasqueradeLeftovers.remove(name(), containerId);
        }
    }

    public boolean bridgeExists() {
        return Files.exists(Path.of("/sys/class/net", settings.bridgeName()));
    }

    /**
     * Deletes the host bridge (for tests and uninstall; the engine keeps it between containers). Veths still
     * on it are detached by the kernel, not deleted: detach the containers first.
     */
    public void removeBridge() {
        if (bridgeExists()) {
            HostProcess.Outcome deleted = HostProcess.run(List.of("ip", "link", "delete", settings.bridgeName(), "type", "bridge"));
            if (!deleted.succeeded() && bridgeExists()) {
                throw new NetworkException("cannot remove bridge " + settings.bridgeName() + ": " + deleted.describe());
            }
        }
    }

    /**
     * Once per engine: containers' traffic leaves the subnet only if the host forwards it (the plugin also
     * turns this on for gateways; doing it here makes it not depend on that). host-local makes its dataDir.
     */
    private void prepare() {
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
