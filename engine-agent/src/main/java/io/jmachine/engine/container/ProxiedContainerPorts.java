package io.jmachine.engine.container;

import io.jmachine.engine.ports.PortPublisher;
import io.jmachine.engine.ports.PortRequest;
import io.jmachine.engine.ports.PortRequests;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Published ports through the engine's userland proxy, toward the container's address on the network that
 * gives it its way out (the default bridge or a user network). Only a container with such an address
 * publishes: with {@code --network host} its ports are the host's already, and {@code none} (or internal
 * networks only) has nothing reachable from outside, so dockerd ignores the bindings there, as this does.
 */
public final class ProxiedContainerPorts implements ContainerPorts {

    private final PortPublisher publisher;

    public ProxiedContainerPorts(PortPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void validate(ContainerConfig config, HostConfig hostConfig) {
        requests(config, hostConfig);
    }

    @Override
    public void publish(ContainerRecord record) {
        String ip = address(record);
        if (ip == null) {
            publisher.unpublish(record.id());
            return;
        }
        publisher.publish(record.id(), record.name(), ip, requests(record.config(), record.hostConfig()));
    }

    @Override
    public void moved(ContainerRecord record) {
        String ip = address(record);
        if (ip == null) {
            publisher.unpublish(record.id());
        } else if (publisher.isPublishing(record.id())) {
            publisher.retarget(record.id(), ip);
        } else {
            publisher.publish(record.id(), record.name(), ip, requests(record.config(), record.hostConfig()));
        }
    }

    @Override
    public void restore(ContainerRecord record) {
        String ip = address(record);
        if (ip != null) {
            publisher.restore(record.id(), ip);
        }
    }

    @Override
    public void unpublish(String containerId) {
        publisher.unpublish(containerId);
    }

    private static String address(ContainerRecord record) {
        ContainerRecord.NetworkAttachment network = record.network();
        if (network == null) {
            return null;
        }
        String ip = network.publishAddress() != null ? network.publishAddress()
                // a record of an engine before PublishAddress, whose containers published on the default bridge only
                : network.ipAddress();
        return ip == null || ip.isEmpty() ? null : ip;
    }

    private static List<PortRequest> requests(ContainerConfig config, HostConfig hostConfig) {
        Map<String, List<PortRequests.Binding>> bindings = new LinkedHashMap<>();
        if (hostConfig.portBindings() != null) {
            hostConfig.portBindings().forEach((port, list) -> bindings.put(port, list == null ? null
                    : list.stream().map(b -> b == null ? null : new PortRequests.Binding(b.hostIp(), b.hostPort())).toList()));
        }
        Set<String> exposed = config.exposedPorts() == null ? Set.of() : config.exposedPorts().keySet();
        return PortRequests.of(bindings, exposed, hostConfig.publishAllPorts());
    }
}
