package io.jmachine.engine.container;

import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.volume.MountPoint;

import java.util.Map;

/**
 * The network and volume events of a container's start and end, as dockerd sends them around "start" and after
 * "die": network connect and disconnect for each network it is on, volume mount and unmount for each volume.
 */
final class AttachmentEvents {

    private AttachmentEvents() {
    }

    static void joined(ContainerRecord record, EventBus events) {
        if (record.network() != null) {
            for (ContainerRecord.NetworkEndpoint endpoint : record.network().networks()) {
                events.publish("network", "connect", endpoint.networkId(), networkAttributes(record, endpoint));
            }
        }
        for (MountPoint mount : record.mountPoints()) {
            if (mount.isVolume()) {
                events.publish("volume", "mount", mount.name(), Map.of("container", record.id(), "destination", mount.destination(),
                        "driver", mount.driver(), "propagation", mount.propagation(), "read/write", String.valueOf(mount.rw())));
            }
        }
    }

    static void left(ContainerRecord record, EventBus events) {
        if (record.network() != null) {
            for (ContainerRecord.NetworkEndpoint endpoint : record.network().networks()) {
                events.publish("network", "disconnect", endpoint.networkId(), networkAttributes(record, endpoint));
            }
        }
        for (MountPoint mount : record.mountPoints()) {
            if (mount.isVolume()) {
                events.publish("volume", "unmount", mount.name(), Map.of("container", record.id(), "driver", mount.driver()));
            }
        }
    }

    /** Only bridge networks have endpoints here. */
    static Map<String, String> networkAttributes(ContainerRecord record, ContainerRecord.NetworkEndpoint endpoint) {
        return Map.of("container", record.id(), "name", endpoint.name(), "type", "bridge");
    }
}
