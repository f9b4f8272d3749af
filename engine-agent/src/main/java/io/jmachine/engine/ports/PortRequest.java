package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;

/**
 * One host port asked for: where on the host ({@code hostIp}, 0.0.0.0 for every address) and which port,
 * a fixed one ({@code first == last}), the first free one of a range, or any free one ({@code 0, 0}).
 */
public record PortRequest(ContainerPort target, String hostIp, int firstHostPort, int lastHostPort) {

    public PortRequest {
        if (firstHostPort > lastHostPort || (firstHostPort == 0) != (lastHostPort == 0)) {
            throw EngineException.invalid("invalid host port range " + firstHostPort + "-" + lastHostPort + " for " + target);
        }
    }

    public boolean anyPort() {
        return firstHostPort == 0;
    }

    /** As the client wrote it, for error messages: {@code 127.0.0.1:8080-8090}. */
    String hostSide() {
        String ports = anyPort() ? "0" : firstHostPort == lastHostPort ? String.valueOf(firstHostPort) : firstHostPort + "-" + lastHostPort;
        return HostIps.withPort(hostIp, ports);
    }
}
