package io.jmachine.engine.container;

import io.jmachine.engine.network.EndpointConfig;

import java.nio.file.Path;
import java.util.Map;

/** What the container side needs of networking: a namespace per container and its /etc files. */
public interface ContainerNetworking {

    /** The files to bind-mount at /etc/hosts, /etc/resolv.conf and /etc/hostname. */
    record EtcFiles(Path hosts, Path resolvConf, Path hostname) {}

    /**
     * At create: checks and remembers the networks the container asked for besides its network mode
     * (NetworkingConfig.EndpointsConfig: network name or ID to what it asks for there).
     */
    void configure(String containerId, HostConfig hostConfig, Map<String, EndpointConfig> endpoints);

    /**
     * network connect: the container will be on {@code network} from its next start, and at once when it runs
     * (then the new attachment is returned; null when it is not running).
     */
    ContainerRecord.NetworkAttachment connect(String containerId, String network, EndpointConfig config, boolean running);

    /**
     * What the container asked for per network, by network name, its network mode's first: what inspect shows of
     * a container that is not running, and beside the live addresses of one that is.
     */
    Map<String, EndpointConfig> endpointConfigs(String containerId, HostConfig hostConfig);

    /** network disconnect, the reverse of {@link #connect}. */
    ContainerRecord.NetworkAttachment disconnect(String containerId, String network, boolean running);

    /** The container is removed: forget what it asked for. */
    void forget(String containerId);

    /** Joins the container to its network (mode: bridge, none, host); returns where it is attached. */
    ContainerRecord.NetworkAttachment attach(String containerId, HostConfig hostConfig);

    /**
     * As {@link #attach(String, HostConfig)}, the interface on the network of its network mode with the MAC address
     * the container asked for (Config.MacAddress, empty for one of the network's choosing).
     */
    default ContainerRecord.NetworkAttachment attach(String containerId, HostConfig hostConfig, String macAddress) {
        if (macAddress != null && !macAddress.isEmpty()) {
            throw new UnsupportedOperationException("this networking cannot set a MAC address");
        }
        return attach(containerId, hostConfig);
    }

    /** An attach whose namespace exists: the container can be created in it while {@link #finish} sets up its interfaces. */
    interface PendingAttach {
        /** The namespace to join; null for the host's. */
        String netnsPath();

        /** The interfaces; a failure has undone the whole attach. */
        ContainerRecord.NetworkAttachment finish();
    }

    /** The first half of {@link #attach(String, HostConfig, String)}: the namespace now, the interfaces at finish. */
    PendingAttach begin(String containerId, HostConfig hostConfig, String macAddress);

    /**
     * The files {@link #writeEtcFiles} writes, made now (empty) when missing, so that they can be bind-mounted
     * before their content is known.
     */
    EtcFiles reserveEtcFiles(Path folder);

    /** Leaves the network and frees the namespace. Idempotent, also after a crash. */
    void detach(String containerId, ContainerRecord.NetworkAttachment attachment);

    /** Writes the container's hosts, resolv.conf and hostname files into its folder, for its current attachment. */
    EtcFiles writeEtcFiles(String containerId, Path folder, String hostname, HostConfig hostConfig);
}
