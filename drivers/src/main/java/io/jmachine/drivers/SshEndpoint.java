package io.jmachine.drivers;

import java.nio.file.Path;
import java.util.Objects;

/** Where and as whom to log in to a machine's host. */
public record SshEndpoint(String host, int port, String user, Path privateKey) {

    public SshEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(privateKey, "privateKey");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SSH port " + port + " is out of range 1-65535");
        }
    }

    /** The name OpenSSH's known_hosts uses: {@code host}, or {@code [host]:port} off port 22. */
    public String knownHostsName() {
        return port == 22 ? host : "[" + host + "]:" + port;
    }
}
