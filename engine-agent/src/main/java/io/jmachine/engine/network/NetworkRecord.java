package io.jmachine.engine.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A network as Docker shows it. Three are built in: {@code bridge} (the default bridge), {@code host} and
 * {@code none}; the others are user-defined bridge networks, each with its own Linux bridge and subnet.
 *
 * @param driver     "bridge", "host" or "null", Docker's driver names
 * @param subnet     CIDR, null for host and none
 * @param gateway    the bridge's address, which is also the embedded DNS server's; null for host and none
 * @param bridgeName the host's bridge device; null for host and none
 * @param cniName    the CNI network name: names host-local's lease folder and the NAT chains
 * @param internal   no default route and no masquerading: containers reach only their network
 * @param ipamCustom whether the subnet came from the user (Docker reports it the same way either way)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NetworkRecord(String id, String name, String driver, Instant created, String subnet, String gateway,
                            String bridgeName, String cniName, boolean internal, Map<String, String> labels,
                            Map<String, String> options, boolean ipamCustom) {

    public static final String DRIVER_BRIDGE = "bridge";
    public static final String DRIVER_HOST = "host";
    public static final String DRIVER_NULL = "null";
    public static final Set<String> PREDEFINED = Set.of(NetworkMode.DEFAULT_BRIDGE, "host", "none");

    public NetworkRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public boolean predefined() {
        return PREDEFINED.contains(name);
    }

    /** A user-defined bridge network, whose containers resolve each other's names. */
    public boolean userDefined() {
        return !predefined();
    }

    public boolean bridged() {
        return DRIVER_BRIDGE.equals(driver);
    }

    public Ipv4Subnet ipv4Subnet() {
        return subnet == null ? null : Ipv4Subnet.parse(subnet);
    }

    public NetworkRecord withBridge(String newBridgeName, String newSubnet, String newGateway) {
        return new NetworkRecord(id, name, driver, created, newSubnet, newGateway, newBridgeName, cniName, internal, labels,
                options, ipamCustom);
    }
}
