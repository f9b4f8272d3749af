package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** From Docker's HostConfig.PortBindings, ExposedPorts and PublishAllPorts to the host ports to open. */
public final class PortRequests {

    /** One entry of PortBindings as clients send it: HostIp and HostPort are strings, either may be empty. */
    public record Binding(String hostIp, String hostPort) {}

    private PortRequests() {
    }

    /**
     * Every host port the container asks for, ordered by container port. {@code -P} adds each exposed port
     * that has no binding of its own, on any free port of every address.
     *
     * @throws EngineException INVALID, for a malformed key, address or port
     */
    public static List<PortRequest> of(Map<String, List<Binding>> bindings, Collection<String> exposed, boolean publishAll) {
        List<PortRequest> requests = new ArrayList<>();
        Set<ContainerPort> bound = new TreeSet<>();
        if (bindings != null) {
            for (Map.Entry<String, List<Binding>> entry : bindings.entrySet()) {
                ContainerPort target = ContainerPort.parse(entry.getKey());
                bound.add(target);
                List<Binding> list = entry.getValue() == null || entry.getValue().isEmpty()
                        ? List.of(new Binding("", "")) : entry.getValue();
                for (Binding binding : list) {
                    requests.add(request(target, binding == null ? new Binding("", "") : binding));
                }
            }
        }
        if (publishAll && exposed != null) {
            for (ContainerPort port : exposedPorts(exposed)) {
                if (!bound.contains(port)) {
                    requests.add(new PortRequest(port, HostIps.ANY_IPV4, 0, 0));
                }
            }
        }
        requests.sort(Comparator.comparing(PortRequest::target));
        return List.copyOf(requests);
    }

    /** The exposed ports, parsed and ordered; keys Docker would refuse are refused. */
    public static Set<ContainerPort> exposedPorts(Collection<String> exposed) {
        Set<ContainerPort> ports = new TreeSet<>();
        if (exposed != null) {
            exposed.forEach(key -> ports.add(ContainerPort.parse(key)));
        }
        return ports;
    }

    private static PortRequest request(ContainerPort target, Binding binding) {
        String hostIp = HostIps.normalize(binding.hostIp());
        String hostPort = binding.hostPort() == null ? "" : binding.hostPort().trim();
        if (hostPort.isEmpty()) {
            return new PortRequest(target, hostIp, 0, 0);
        }
        int dash = hostPort.indexOf('-');
        String spec = target + " -> " + hostPort;
        int first = PortNumbers.parse(dash < 0 ? hostPort : hostPort.substring(0, dash), "host port", spec);
        int last = dash < 0 ? first : PortNumbers.parse(hostPort.substring(dash + 1), "host port", spec);
        if (first == 0 && last == 0) {
            return new PortRequest(target, hostIp, 0, 0);
        }
        if (first == 0 || last < first) {
            throw EngineException.invalid("invalid host port range in \"" + spec + "\": use START-END with START <= END");
        }
        return new PortRequest(target, hostIp, first, last);
    }
}
