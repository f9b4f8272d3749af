package io.jmachine.engine.ports;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A host port that forwards to the container: {@code 127.0.0.1:18080 -> 80/tcp}. */
public record PublishedPort(@JsonIgnore ContainerPort target, @JsonProperty("HostIp") String hostIp,
                            @JsonProperty("HostPort") int hostPort) {

    @JsonCreator
    static PublishedPort fromJson(@JsonProperty("Port") String port, @JsonProperty("HostIp") String hostIp,
                                  @JsonProperty("HostPort") int hostPort) {
        return new PublishedPort(ContainerPort.parse(port), hostIp, hostPort);
    }

    @JsonProperty("Port")
    String portKey() {
        return target.key();
    }

    @Override
    public String toString() {
        return HostIps.withPort(hostIp, String.valueOf(hostPort)) + "->" + target;
    }
}
