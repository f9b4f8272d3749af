package io.jmachine.engine.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A user network's host bridge, made when the network is created rather than on the first container's
 * CNI ADD: its gateway address must exist for the embedded DNS server to listen on, and its route tells
 * other engines on the host that the subnet is taken. The bridge plugin then finds and uses it.
 */
final class LinuxBridge {

    private LinuxBridge() {
    }

    static boolean exists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** Makes the bridge with {@code gateway/prefixLength} and brings it up; finishes a half-made one. */
    static void ensure(String name, String gateway, int prefixLength, int mtu) {
        if (!exists(name)) {
            HostProcess.Outcome added = HostProcess.run(List.of("ip", "link", "add", "name", name, "type", "bridge"));
            if (!added.succeeded() && !exists(name)) {
                throw new NetworkException("cannot create bridge " + name + ": " + added.describe());
            }
        }
        if (mtu != 0) {
            HostProcess.runChecked(List.of("ip", "link", "set", "dev", name, "mtu", String.valueOf(mtu)));
        }
        String addresses = HostProcess.runChecked(List.of("ip", "-o", "-4", "addr", "show", "dev", name)).stdout();
        if (!addresses.contains("inet " + gateway + "/" + prefixLength + " ")) {
            HostProcess.runChecked(List.of("ip", "addr", "add", gateway + "/" + prefixLength, "dev", name));
        }
        HostProcess.runChecked(List.of("ip", "link", "set", "dev", name, "up"));
    }

    /** Deletes the bridge; ports still on it are detached by the kernel. Nothing to do if it is gone. */
    static void remove(String name) {
        if (exists(name)) {
            HostProcess.Outcome deleted = HostProcess.run(List.of("ip", "link", "delete", name, "type", "bridge"));
            if (!deleted.succeeded() && exists(name)) {
                throw new NetworkException("cannot remove bridge " + name + ": " + deleted.describe());
            }
        }
    }
}
