package io.jmachine.engine.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a container asks for on one network: an entry of NetworkingConfig.EndpointsConfig at create, or
 * network connect's EndpointConfig, in Docker's names. Kept as sent (null where nothing was sent), because
 * inspect shows it back that way, as dockerd does.
 *
 * @param ipam       the address(es) wanted there; null for "any free one"
 * @param links      legacy links scoped to this network: "container:alias", resolved by the embedded DNS for this
 *                   container only
 * @param aliases    the names other containers on the network resolve it by
 * @param driverOpts options for the network driver; kept and shown, the bridge driver has none for endpoints
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EndpointConfig(@JsonProperty("IPAMConfig") Ipam ipam, @JsonProperty("Links") List<String> links,
                             @JsonProperty("Aliases") List<String> aliases,
                             @JsonProperty("DriverOpts") Map<String, String> driverOpts) {

    /** EndpointIPAMConfig; empty fields are left out, as Go's omitempty does. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Ipam(@JsonProperty("IPv4Address") String ipv4Address, @JsonProperty("IPv6Address") String ipv6Address,
                       @JsonProperty("LinkLocalIPs") List<String> linkLocalIps) {

        public boolean hasIpv4() {
            return ipv4Address != null && !ipv4Address.isEmpty();
        }

        public boolean hasIpv6() {
            return ipv6Address != null && !ipv6Address.isEmpty();
        }

        public List<String> linkLocalIpList() {
            return linkLocalIps == null ? List.of() : linkLocalIps.stream().filter(ip -> ip != null && !ip.isEmpty()).toList();
        }
    }

    public static final EndpointConfig NONE = new EndpointConfig(null, null, null, null);

    public static EndpointConfig withAliasesOnly(List<String> aliases) {
        return new EndpointConfig(null, null, aliases == null || aliases.isEmpty() ? null : List.copyOf(aliases), null);
    }

    public List<String> aliasList() {
        return aliases == null ? List.of() : aliases;
    }

    public List<String> linkList() {
        return links == null ? List.of() : links;
    }

    public String requestedIpv4() {
        return ipam != null && ipam.hasIpv4() ? ipam.ipv4Address() : null;
    }

    public List<String> linkLocalIps() {
        return ipam == null ? List.of() : ipam.linkLocalIpList();
    }

    /** With {@code names} added to the aliases where missing (dockerd adds the short ID and hostname on user networks). */
    public EndpointConfig withAliasesAdded(List<String> names) {
        List<String> all = new ArrayList<>(aliasList());
        for (String name : names) {
            if (name != null && !name.isEmpty() && !all.contains(name)) {
                all.add(name);
            }
        }
        return all.equals(aliasList()) ? this : new EndpointConfig(ipam, links, List.copyOf(all), driverOpts);
    }
}
