package io.jmachine.engine.network;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * A CNI plugin's ADD result (spec 1.0.0, also read from 0.3.x/0.4.0 which have the same shape). The
 * {@code raw} JSON is kept because the next plugin in a chain, and DEL, get it back as {@code prevResult}.
 */
public record CniResult(String cniVersion, List<Interface> interfaces, List<IpConfig> ips, List<Route> routes,
                        Dns dns, JsonNode raw) {

    public CniResult {
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        ips = ips == null ? List.of() : List.copyOf(ips);
        routes = routes == null ? List.of() : List.copyOf(routes);
        dns = dns == null ? new Dns(null, null, null, null) : dns;
    }

    /** An interface the plugin made or used; {@code sandbox} is the netns path for those inside the container. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Interface(@JsonProperty("name") String name, @JsonProperty("mac") String mac,
                            @JsonProperty("sandbox") String sandbox) {
    }

    /** An address in CIDR form; {@code interfaceIndex} points into {@link #interfaces()}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IpConfig(@JsonProperty("address") String address, @JsonProperty("gateway") String gateway,
                           @JsonProperty("interface") Integer interfaceIndex) {

        /** The address without its prefix length. */
        public String ip() {
            int slash = address.indexOf('/');
            return slash < 0 ? address : address.substring(0, slash);
        }

        public int prefixLength() {
            int slash = address.indexOf('/');
            if (slash < 0) {
                throw new NetworkException("CNI result address " + address + " has no prefix length");
            }
            return Integer.parseInt(address.substring(slash + 1));
        }

        public boolean isIpv4() {
            return !address.contains(":");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Route(@JsonProperty("dst") String destination, @JsonProperty("gw") String gateway) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dns(@JsonProperty("nameservers") List<String> nameservers, @JsonProperty("domain") String domain,
                      @JsonProperty("search") List<String> search, @JsonProperty("options") List<String> options) {
        public Dns {
            nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
            search = search == null ? List.of() : List.copyOf(search);
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    /** The interface of that name inside the container's namespace. */
    public Optional<Interface> sandboxInterface(String name) {
        return interfaces.stream().filter(i -> name.equals(i.name()) && i.sandbox() != null && !i.sandbox().isEmpty()).findFirst();
    }

    /** The first IPv4 address on the given sandbox interface. */
    public Optional<IpConfig> ipv4On(String interfaceName) {
        int index = -1;
        for (int i = 0; i < interfaces.size(); i++) {
            Interface candidate = interfaces.get(i);
            if (interfaceName.equals(candidate.name()) && candidate.sandbox() != null && !candidate.sandbox().isEmpty()) {
                index = i;
            }
        }
        int wanted = index;
        return ips.stream().filter(IpConfig::isIpv4)
                .filter(ip -> ip.interfaceIndex() == null || ip.interfaceIndex() == wanted)
                .findFirst();
    }
}
