package io.jmachine.engine.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * One entry of a network's IPAM.Config, as network create sends it and inspect shows it (empty fields left
 * out, as Go's omitempty does).
 *
 * @param ipRange            the part of the subnet containers' addresses are allocated from; null for all of it
 * @param auxiliaryAddresses addresses by name that are never given to a container (another host, a router)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record IpamPool(@JsonProperty("Subnet") String subnet, @JsonProperty("IPRange") String ipRange,
                       @JsonProperty("Gateway") String gateway,
                       @JsonProperty("AuxiliaryAddresses") Map<String, String> auxiliaryAddresses) {

    public IpamPool {
        subnet = emptyToNull(subnet);
        ipRange = emptyToNull(ipRange);
        gateway = emptyToNull(gateway);
        auxiliaryAddresses = auxiliaryAddresses == null ? Map.of() : Map.copyOf(auxiliaryAddresses);
    }

    public boolean ipv6() {
        return subnet != null ? subnet.contains(":") : ipRange != null ? ipRange.contains(":") : gateway != null && gateway.contains(":");
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
