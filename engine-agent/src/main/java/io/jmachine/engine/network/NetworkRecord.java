package io.jmachine.engine.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * @param ipamCustom whether the subnet came from the user: only then may a container ask for an address of its own
 * @param ipamConfig IPAM.Config as inspect shows it: the user's entries as given, or the subnet and gateway the
 *                   engine chose; null in records of engines before it was kept (then derived from subnet and gateway)
 * @param enableIpv6 EnableIPv6 as given (kept and shown; containers get IPv4 addresses only)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NetworkRecord(String id, String name, String driver, Instant created, String subnet, String gateway,
                            String bridgeName, String cniName, boolean internal, Map<String, String> labels,
                            Map<String, String> options, boolean ipamCustom, List<IpamPool> ipamConfig, boolean enableIpv6) {

    public static final String DRIVER_BRIDGE = "bridge";
    public static final String DRIVER_HOST = "host";
    public static final String DRIVER_NULL = "null";
    public static final Set<String> PREDEFINED = Set.of(NetworkMode.DEFAULT_BRIDGE, "host", "none");

    public NetworkRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
        ipamConfig = ipamConfig != null ? List.copyOf(ipamConfig)
                : subnet == null ? List.of() : List.of(new IpamPool(subnet, null, gateway, null));
    }

    /** The IPv4 entry of the IPAM config (its IPRange and AuxiliaryAddresses); empty for host and none. */
    public Optional<IpamPool> ipv4Pool() {
        return ipamConfig.stream().filter(p -> !p.ipv6()).findFirst();
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
                options, ipamCustom, List.of(new IpamPool(newSubnet, null, newGateway, null)), enableIpv6);
    }
}
