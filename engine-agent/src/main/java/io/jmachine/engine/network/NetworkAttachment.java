package io.jmachine.engine.network;

import java.nio.file.Path;

/**
 * A container's network as the engine reports it ({@code NetworkSettings} in inspect) and as runc needs it
 * (the namespace path). For {@code none} only the namespace is set; for {@code host} nothing is.
 *
 * @param netnsPath    the namespace to join, /run/netns/…; null in host mode
 * @param ipAddress    eth0's IPv4 address without prefix; null unless bridged
 * @param prefixLength the subnet's prefix length; 0 unless bridged
 * @param gateway      the default route's next hop (the bridge's address); null unless bridged
 * @param macAddress   eth0's MAC address; null unless bridged
 * @param bridgeName   the host bridge eth0's peer is on; null unless bridged
 */
public record NetworkAttachment(String containerId, NetworkMode mode, Path netnsPath, String ipAddress, int prefixLength,
                                String gateway, String macAddress, String bridgeName) {

    public static NetworkAttachment host(String containerId) {
        return new NetworkAttachment(containerId, new NetworkMode.Host(), null, null, 0, null, null, null);
    }

    public static NetworkAttachment isolated(String containerId, Path netnsPath) {
        return new NetworkAttachment(containerId, new NetworkMode.None(), netnsPath, null, 0, null, null, null);
    }

    public boolean bridged() {
        return mode instanceof NetworkMode.Bridge;
    }
}
