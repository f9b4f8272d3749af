package io.jmachine.engine.network;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A container's network as the engine reports it ({@code NetworkSettings} in inspect) and as runc needs it
 * (the namespace path): one endpoint per network it is on, eth0 first. For {@code none} only the namespace is
 * set; for {@code host} nothing is.
 *
 * @param netnsPath  the namespace to join, /run/netns/…; null in host mode
 * @param endpoints  the container's interfaces on bridge networks, the first network's (eth0) first
 * @param dnsServers the container's own --dns servers, which the embedded DNS forwards to instead of the host's
 */
public record NetworkAttachment(String containerId, NetworkMode mode, Path netnsPath, List<Endpoint> endpoints,
                                List<String> dnsServers) {

    /**
     * One interface on one network.
     *
     * @param ifName       eth0, eth1… inside the container
     * @param ipAddress    IPv4 without prefix
     * @param gateway      the bridge's address
     * @param bridgeName   the host bridge the veth's peer is on
     * @param aliases      the network-scoped names other containers resolve it by
     * @param links        legacy links on this network ("container:alias"): names only this container resolves
     */
    public record Endpoint(String networkId, String networkName, String endpointId, String ifName, String ipAddress,
                           int prefixLength, String gateway, String macAddress, String bridgeName, List<String> aliases,
                           List<String> links) {
        public Endpoint {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            links = links == null ? List.of() : List.copyOf(links);
        }

        public Endpoint(String networkId, String networkName, String endpointId, String ifName, String ipAddress,
                        int prefixLength, String gateway, String macAddress, String bridgeName, List<String> aliases) {
            this(networkId, networkName, endpointId, ifName, ipAddress, prefixLength, gateway, macAddress, bridgeName, aliases, List.of());
        }
    }

    public NetworkAttachment {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
    }

    public static NetworkAttachment host(String containerId) {
        return new NetworkAttachment(containerId, new NetworkMode.Host(), null, List.of(), List.of());
    }

    public static NetworkAttachment isolated(String containerId, Path netnsPath) {
        return new NetworkAttachment(containerId, new NetworkMode.None(), netnsPath, List.of(), List.of());
    }

    public boolean bridged() {
        return mode instanceof NetworkMode.Bridge;
    }

    /** eth0's endpoint, empty for host and none. */
    public Optional<Endpoint> primary() {
        return endpoints.isEmpty() ? Optional.empty() : Optional.of(endpoints.getFirst());
    }

    /**
     * The endpoint that gives the container its way out and takes its published ports: dockerd's "gateway
     * endpoint", the first by network name among those on networks that are not internal. Empty for host and
     * none, and for a container on internal networks only (which publishes nothing, as with dockerd).
     */
    public Optional<Endpoint> externalEndpoint(Predicate<String> internalNetworkId) {
        return endpoints.stream().filter(e -> e.ipAddress() != null && !internalNetworkId.test(e.networkId()))
                .min(Comparator.comparing(Endpoint::networkName));
    }

    public Optional<Endpoint> endpointOn(String networkId) {
        return endpoints.stream().filter(e -> networkId.equals(e.networkId())).findFirst();
    }

    /** eth0's IPv4 address, null unless bridged. */
    public String ipAddress() {
        return primary().map(Endpoint::ipAddress).orElse(null);
    }

    public int prefixLength() {
        return primary().map(Endpoint::prefixLength).orElse(0);
    }

    public String gateway() {
        return primary().map(Endpoint::gateway).orElse(null);
    }

    public String macAddress() {
        return primary().map(Endpoint::macAddress).orElse(null);
    }

    public String bridgeName() {
        return primary().map(Endpoint::bridgeName).orElse(null);
    }

    public NetworkAttachment withEndpoints(List<Endpoint> newEndpoints) {
        return new NetworkAttachment(containerId, mode, netnsPath, newEndpoints, dnsServers);
    }
}
