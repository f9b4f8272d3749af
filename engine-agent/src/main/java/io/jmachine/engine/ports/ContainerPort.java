package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;

/** A port inside the container, as Docker keys it: {@code 80/tcp}. */
public record ContainerPort(int port, Protocol protocol) implements Comparable<ContainerPort> {

    public ContainerPort {
        if (port < 1 || port > 65535) {
            throw EngineException.invalid("invalid port " + port + ": a container port is 1 to 65535");
        }
    }

    /** {@code 80/tcp}, {@code 53/udp} or {@code 80} (tcp). */
    public static ContainerPort parse(String key) {
        int slash = key.indexOf('/');
        String number = slash < 0 ? key : key.substring(0, slash);
        Protocol protocol = Protocol.parse(slash < 0 ? "" : key.substring(slash + 1));
        return new ContainerPort(PortNumbers.parse(number, "container port", key), protocol);
    }

    /** Docker's map key: {@code 80/tcp}. */
    public String key() {
        return port + "/" + protocol.wire();
    }

    @Override
    public int compareTo(ContainerPort other) {
        int byPort = Integer.compare(port, other.port);
        return byPort != 0 ? byPort : protocol.compareTo(other.protocol);
    }

    @Override
    public String toString() {
        return key();
    }
}
