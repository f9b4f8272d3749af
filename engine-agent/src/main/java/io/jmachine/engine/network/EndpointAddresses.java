package io.jmachine.engine.network;

import io.jmachine.engine.errors.EngineException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * What a container may ask for on a network (EndpointConfig), with dockerd's rules and words: aliases and
 * fixed addresses only on user-defined networks, a fixed IPv4 address only where the user gave the subnet,
 * and never one that is reserved or held by another container.
 */
final class EndpointAddresses {

    /** dockerd's runconfig errors. */
    static final String ALIAS_ON_PREDEFINED = "network-scoped alias is supported only for containers in user defined networks";
    static final String IP_ON_PREDEFINED = "user specified IP address is supported on user defined networks only";
    static final String IP_WITHOUT_SUBNET = "user specified IP address is supported only when connecting to networks with user configured subnets";

    private EndpointAddresses() {
    }

    /** 400 for what can never work on this network; checked at create and connect, before anything is made. */
    static void validate(NetworkRecord network, EndpointConfig config) {
        if (!network.userDefined() && !config.aliasList().isEmpty()) {
            throw EngineException.invalid(ALIAS_ON_PREDEFINED);
        }
        EndpointConfig.Ipam ipam = config.ipam();
        if (ipam == null) {
            return;
        }
        for (String ip : ipam.linkLocalIpList()) {
            if (!isLiteral(ip)) {
                throw EngineException.invalid("Invalid link-local IP address: " + ipam.linkLocalIpList());
            }
        }
        if (!ipam.hasIpv4() && !ipam.hasIpv6()) {
            return;
        }
        if (!network.userDefined()) {
            throw EngineException.invalid(IP_ON_PREDEFINED);
        }
        if (ipam.hasIpv4()) {
            try {
                Ipv4Subnet.parseAddress(ipam.ipv4Address());
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid("invalid IPv4 address: " + ipam.ipv4Address());
            }
            if (!network.ipamCustom()) {
                throw EngineException.invalid(IP_WITHOUT_SUBNET);
            }
            if (!network.ipv4Subnet().contains(ipam.ipv4Address())) {
                throw EngineException.invalid("Invalid address " + ipam.ipv4Address() + ": It does not belong to any of this network's subnets");
            }
        }
        if (ipam.hasIpv6()) {
            if (!ipam.ipv6Address().contains(":") || !isLiteral(ipam.ipv6Address())) {
                throw EngineException.invalid("invalid IPv6 address: " + ipam.ipv6Address());
            }
            if (network.ipamConfig().stream().noneMatch(IpamPool::ipv6)) {
                throw EngineException.invalid(IP_WITHOUT_SUBNET);
            }
            // without EnableIPv6 dockerd keeps the request and gives no IPv6 address either
            if (network.enableIpv6()) {
                throw EngineException.invalid("IPv6Address " + ipam.ipv6Address() + " cannot be given on " + network.name()
                        + ": jmachine-engine gives containers IPv4 addresses only (EnableIPv6 and IPv6 subnets are kept and "
                        + "shown, not used); leave out --ip6");
            }
        }
    }

    /** The fixed IPv4 address the container asked for on the network, checked; null for "any free one". */
    static String requestedIpv4(NetworkRecord network, EndpointConfig config) {
        validate(network, config);
        return config.requestedIpv4();
    }

    /**
     * 409 when the address is not the container's to take: the network's own addresses (network, broadcast,
     * gateway, auxiliary) or another container's there.
     */
    static void refuseTaken(NetworkRecord network, String ip, String containerId, Collection<AttachmentStore.Stored> attached) {
        Ipv4Subnet subnet = network.ipv4Subnet();
        int address = Ipv4Subnet.parseAddress(ip);
        int broadcast = subnet.network() | ~(-1 << (32 - subnet.prefixLength()));
        boolean reserved = address == subnet.network() || address == broadcast || ip.equals(network.gateway())
                || network.ipv4Pool().map(p -> p.auxiliaryAddresses().containsValue(ip)).orElse(false);
        if (reserved) {
            throw EngineException.conflict("Address already in use: " + ip + " is reserved on network " + network.name()
                    + " (its gateway, network, broadcast or an auxiliary address)");
        }
        for (AttachmentStore.Stored stored : attached) {
            if (stored.containerId().equals(containerId)) {
                continue;
            }
            boolean holds = stored.endpoints().stream().map(AttachmentStore.StoredEndpoint::endpoint)
                    .anyMatch(e -> network.id().equals(e.networkId()) && ip.equals(e.ipAddress()));
            if (holds) {
                throw EngineException.conflict("Address already in use: container " + stored.containerId().substring(0, 12)
                        + " has " + ip + " on network " + network.name());
            }
        }
    }

    /** host-local's refusal of a fixed address, in the client's terms. */
    static RuntimeException explain(CniException failure, NetworkRecord network, String ip) {
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (message.contains("not available") || message.contains("already")) {
            return EngineException.conflict("Address already in use: " + ip + " on network " + network.name() + " (" + message + ")");
        }
        return failure;
    }

    /** Adds the LinkLocalIPs to the interface, /16 for IPv4 and /64 for IPv6, as dockerd does. */
    static void addLinkLocal(Path netns, String ifName, List<String> addresses) {
        for (String address : addresses) {
            String cidr = address + (address.contains(":") ? "/64" : "/16");
            HostProcess.runChecked(List.of("ip", "-n", netns.getFileName().toString(), "addr", "add", cidr, "dev", ifName));
        }
    }

    private static boolean isLiteral(String ip) {
        if (!ip.contains(":")) {
            try {
                Ipv4Subnet.parseAddress(ip);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        try {
            // in brackets, a literal is parsed and never looked up
            InetAddress.getByName("[" + ip.replace("[", "").replace("]", "") + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
