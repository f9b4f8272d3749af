package io.jmachine.engine.network;

import java.util.List;

/** What a container asks for: where eth0 goes, the networks (with aliases) it is on, its own --dns servers. */
public record AttachRequest(NetworkMode mode, List<EndpointRequest> endpoints, List<String> dnsServers, String macAddress) {
    public AttachRequest {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
        macAddress = macAddress == null || macAddress.isEmpty() ? null : macAddress;
    }

    public AttachRequest(NetworkMode mode, List<EndpointRequest> endpoints, List<String> dnsServers) {
        this(mode, endpoints, dnsServers, null);
    }
}
