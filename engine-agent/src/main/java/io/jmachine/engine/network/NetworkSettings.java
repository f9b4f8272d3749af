package io.jmachine.engine.network;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the default bridge network and the containers' namespaces are set up.
 *
 * @param bridgeName    the host's bridge device (at most 15 characters, the kernel's limit)
 * @param subnet        the containers' addresses; the gateway (the bridge's address) is its first host
 * @param stateDir      durable network state: host-local's leases ({@code ipam/}) and one record per attached
 *                      container ({@code attachments/}), so that detach works after an engine restart
 * @param cniPluginDir  where the CNI plugins are (CNI_PATH)
 * @param netnsPrefix   names our namespaces in /run/netns, so that a sweep touches only ours
 * @param mtu           the MTU of the bridge and the containers' eth0; 0 leaves the plugin's default (1500)
 * @param bridgeAddress the bridge's own address when --bip named one (dockerd's 192.168.5.1/24); null for the
 *                      subnet's first host
 */
public record NetworkSettings(String bridgeName, Ipv4Subnet subnet, Path stateDir, Path cniPluginDir,
                              String netnsPrefix, int mtu, String bridgeAddress) {

    public static final String DEFAULT_BRIDGE_NAME = "jm0";
    public static final Ipv4Subnet DEFAULT_SUBNET = Ipv4Subnet.parse("172.29.0.0/16");
    public static final Path DEFAULT_CNI_PLUGIN_DIR = Path.of("/usr/lib/cni");

    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern NETNS_PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    public NetworkSettings(String bridgeName, Ipv4Subnet subnet, Path stateDir, Path cniPluginDir, String netnsPrefix, int mtu) {
        this(bridgeName, subnet, stateDir, cniPluginDir, netnsPrefix, mtu, null);
    }

    public NetworkSettings {
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(cniPluginDir, "cniPluginDir");
        if (bridgeName == null || !INTERFACE_NAME.matcher(bridgeName).matches()) {
            throw new IllegalArgumentException("invalid bridge name " + bridgeName
                    + ": use 1 to 15 letters, digits, '_', '.' or '-' (the kernel's interface names)");
        }
        if (netnsPrefix == null || !NETNS_PREFIX.matcher(netnsPrefix).matches()) {
            throw new IllegalArgumentException("invalid network namespace prefix " + netnsPrefix);
        }
        if (mtu != 0 && (mtu < 576 || mtu > 65535)) {
            throw new IllegalArgumentException("invalid MTU " + mtu + ": use 576 to 65535, or 0 for the default");
        }
    }

    /**
     * The engine's defaults, with state under its data root. The namespace prefix carries a hash of the data
     * root: engines with their own data roots on one host (tests, several users) each sweep only their own
     * namespaces after a crash, never another running engine's.
     */
    public static NetworkSettings defaults(Path dataRoot) {
        return new NetworkSettings(DEFAULT_BRIDGE_NAME, DEFAULT_SUBNET, dataRoot.resolve("network"), DEFAULT_CNI_PLUGIN_DIR,
                netnsPrefixFor(dataRoot), 0);
    }

    /** "jm" and six hex digits of the data root's SHA-256, then "-": e.g. jm3fa2c1-0123456789ab. */
    static String netnsPrefixFor(Path dataRoot) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(dataRoot.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "jm" + java.util.HexFormat.of().formatHex(digest, 0, 3) + "-";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    public NetworkSettings withBridge(String name, Ipv4Subnet otherSubnet) {
        return new NetworkSettings(name, otherSubnet, stateDir, cniPluginDir, netnsPrefix, mtu, null);
    }

    /**
     * The bridge as dockerd's --bip gives it: the bridge's own address and the prefix, "192.168.5.1/24"; a
     * network address ("192.168.5.0/24") leaves the bridge the first host, as before.
     */
    public NetworkSettings withBridge(String name, String bip) {
        Ipv4Subnet.BridgeAddress bridge = Ipv4Subnet.bridgeAddress(bip);
        return new NetworkSettings(name, bridge.subnet(), stateDir, cniPluginDir, netnsPrefix, mtu, bridge.address());
    }

    public NetworkSettings withNetnsPrefix(String prefix) {
        return new NetworkSettings(bridgeName, subnet, stateDir, cniPluginDir, prefix, mtu, bridgeAddress);
    }

    /** The default bridge's address: the containers' gateway. */
    public String gateway() {
        return bridgeAddress != null ? bridgeAddress : subnet.gateway();
    }

    /** host-local's {@code dataDir}: one lease file per address, named by the address. */
    public Path ipamDataDir() {
        return stateDir.resolve("ipam");
    }

    public Path attachmentsDir() {
        return stateDir.resolve("attachments");
    }
}
