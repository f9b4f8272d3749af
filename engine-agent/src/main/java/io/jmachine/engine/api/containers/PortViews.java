package io.jmachine.engine.api.containers;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.ports.ContainerPort;
import io.jmachine.engine.ports.PublishedPort;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A container's ports as clients read them: inspect's NetworkSettings.Ports (what `docker port` prints) and
 * the Ports list of `docker ps`. Only a running container with a way out (a network that is not internal)
 * has ports; exposed ones without a host port show as {@code "80/tcp": null} in inspect and as a bare
 * {@code 80/tcp} in ps, as with dockerd.
 */
final class PortViews {

    private PortViews() {
    }

    /** {@code {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18080"}], "443/tcp": null}}, keys sorted as Go's JSON. */
    static Map<String, Object> inspect(ContainerRecord record, List<PublishedPort> published) {
        Map<String, Object> ports = new TreeMap<>();
        if (!hasPorts(record)) {
            return ports;
        }
        for (ContainerPort exposed : exposed(record)) {
            ports.put(exposed.key(), null);
        }
        for (PublishedPort port : published) {
            // an exposed port's null counts as absent here, so its first binding replaces it
            @SuppressWarnings("unchecked")
            List<Map<String, String>> bindings = (List<Map<String, String>>) ports.computeIfAbsent(port.target().key(),
                    k -> new ArrayList<Map<String, String>>());
            Map<String, String> binding = new LinkedHashMap<>();
            binding.put("HostIp", port.hostIp());
            binding.put("HostPort", String.valueOf(port.hostPort()));
            bindings.add(binding);
        }
        return ports;
    }

    /** ps's {@code [{IP, PrivatePort, PublicPort, Type}]}; a port without a host side has only PrivatePort and Type. */
    static List<Map<String, Object>> summary(ContainerRecord record, List<PublishedPort> published) {
        List<Map<String, Object>> ports = new ArrayList<>();
        if (!hasPorts(record)) {
            return ports;
        }
        Set<ContainerPort> withHostPort = new TreeSet<>();
        for (PublishedPort port : published) {
            withHostPort.add(port.target());
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("IP", port.hostIp());
            view.put("PrivatePort", port.target().port());
            view.put("PublicPort", port.hostPort());
            view.put("Type", port.target().protocol().wire());
            ports.add(view);
        }
        for (ContainerPort exposed : exposed(record)) {
            if (!withHostPort.contains(exposed)) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("PrivatePort", exposed.port());
                view.put("Type", exposed.protocol().wire());
                ports.add(view);
            }
        }
        return ports;
    }

    /** dockerd reads ports from the endpoint that gives the container its way out: none with host, none or internal networks only. */
    private static boolean hasPorts(ContainerRecord record) {
        ContainerRecord.NetworkAttachment network = record.network();
        return record.state().isAlive() && network != null && (network.publishAddress() != null || network.ipAddress() != null);
    }

    private static Set<ContainerPort> exposed(ContainerRecord record) {
        Set<ContainerPort> ports = new TreeSet<>();
        Map<String, Object> exposed = record.config().exposedPorts();
        if (exposed != null) {
            for (String key : exposed.keySet()) {
                try {
                    ports.add(ContainerPort.parse(key));
                } catch (EngineException e) {
                    // records from before create checked ports: show what can be shown
                }
            }
        }
        return ports;
    }
}
