package io.jmachine.engine.api.networks;

import io.jmachine.engine.api.ApiVersion;
import io.jmachine.engine.network.NetworkAttachment;
import io.jmachine.engine.network.NetworkMode;
import io.jmachine.engine.network.NetworkRecord;
import io.jmachine.engine.network.NetworkRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Networks as Docker clients read them: `docker network ls` and `docker network inspect`. */
final class NetworkViews {

    private NetworkViews() {
    }

    /**
     * @param attachments every container's attachment, for the network's Containers
     * @param names       a container's name by ID
     */
    static Map<String, Object> view(NetworkRecord network, List<NetworkAttachment> attachments,
                                    Function<String, Optional<String>> names) {
        return view(network, attachments, names, ApiVersion.MAX);
    }

    /**
     * @param attachments every container's attachment, for the network's Containers; none for a list, which leaves
     *                    Containers empty as dockerd's does
     * @param version     the client's: EnableIPv4 only from API 1.47
     */
    static Map<String, Object> view(NetworkRecord network, List<NetworkAttachment> attachments,
                                    Function<String, Optional<String>> names, ApiVersion version) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Name", network.name());
        view.put("Id", network.id());
        view.put("Created", network.created().toString());
        view.put("Scope", "local");
        view.put("Driver", network.driver());
        if (version.atLeast(1, 47)) {
            view.put("EnableIPv4", true);
        }
        view.put("EnableIPv6", network.enableIpv6());
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("Driver", "default");
        ipam.put("Options", null);
        ipam.put("Config", network.ipamConfig());
        view.put("IPAM", ipam);
        view.put("Internal", network.internal());
        view.put("Attachable", false);
        view.put("Ingress", false);
        view.put("ConfigFrom", Map.of("Network", ""));
        view.put("ConfigOnly", false);
        view.put("Containers", containers(network, attachments, names));
        view.put("Options", options(network));
        view.put("Labels", network.labels());
        return view;
    }

    /** The default bridge's options as dockerd shows them, with what the engine does: ICC, masquerading, 0.0.0.0 bindings. */
    private static Map<String, String> options(NetworkRecord network) {
        if (!"true".equals(network.options().get("com.docker.network.bridge.default_bridge"))) {
            return network.options();
        }
        Map<String, String> options = new java.util.TreeMap<>(network.options());
        options.putIfAbsent("com.docker.network.bridge.enable_icc", "true");
        options.putIfAbsent("com.docker.network.bridge.enable_ip_masquerade", "true");
        options.putIfAbsent("com.docker.network.bridge.host_binding_ipv4", "0.0.0.0");
        options.putIfAbsent(NetworkRegistry.OPTION_MTU, "1500");
        return options;
    }

    private static Map<String, Object> containers(NetworkRecord network, List<NetworkAttachment> attachments,
                                                  Function<String, Optional<String>> names) {
        Map<String, Object> containers = new LinkedHashMap<>();
        for (NetworkAttachment attachment : attachments) {
            Optional<NetworkAttachment.Endpoint> endpoint = attachment.endpointOn(network.id());
            boolean member = endpoint.isPresent()
                    || (network.driver().equals(NetworkRecord.DRIVER_HOST) && attachment.mode() instanceof NetworkMode.Host)
                    || (network.driver().equals(NetworkRecord.DRIVER_NULL) && attachment.mode() instanceof NetworkMode.None);
            if (!member) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("Name", names.apply(attachment.containerId()).orElse(""));
            entry.put("EndpointID", endpoint.map(NetworkAttachment.Endpoint::endpointId).orElse(""));
            entry.put("MacAddress", endpoint.map(NetworkAttachment.Endpoint::macAddress).orElse(""));
            entry.put("IPv4Address", endpoint.map(e -> e.ipAddress() + "/" + e.prefixLength()).orElse(""));
            entry.put("IPv6Address", "");
            containers.put(attachment.containerId(), entry);
        }
        return containers;
    }
}
