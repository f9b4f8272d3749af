package io.jmachine.engine.ports;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published ports, the way dockerd's userland proxy does them: the engine itself listens on each host port
 * and relays to the container's address on its bridge, so no NAT rule is needed and 127.0.0.1 works. A
 * container's ports open all together or not at all, before its process starts; they close when it ends.
 */
public final class PortPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortPublisher.class);
    /** docker-proxy's UDP conntrack timeout. */
    public static final Duration UDP_IDLE = Duration.ofSeconds(90);

    private record Open(PublishedPort port, Forwarder forwarder, String containerIp) {}

    private final ProxyTransport transport;
    private final PublishedPortStore store;
    private final Duration udpIdle;
    private final PortAllocator allocator = new PortAllocator();
    private final Map<String, List<Open>> open = new ConcurrentHashMap<>();

    PortPublisher(ProxyTransport transport, PublishedPortStore store, Duration udpIdle) {
        this.transport = transport;
        this.store = store;
        this.udpIdle = udpIdle;
    }

    /**
     * @param stateDir where each running container's ports are recorded for a restarted engine (under the
     *                 exec root: they mean nothing after a reboot)
     */
    public static PortPublisher open(Path stateDir, ObjectMapper mapper) {
        return new PortPublisher(new ProxyTransport(Math.max(2, Runtime.getRuntime().availableProcessors())),
                new PublishedPortStore(stateDir, mapper), UDP_IDLE);
    }

    /**
     * Opens every requested host port, forwarding to {@code containerIp}; all or none.
     *
     * @param endpoint the container's name, for Docker's error wording
     * @throws EngineException INTERNAL, with "port is already allocated" (another container holds it) or "address
     *                      already in use" (another process does); nothing stays open then
     */
    public synchronized List<PublishedPort> publish(String containerId, String endpoint, String containerIp,
                                                    List<PortRequest> requests) {
        unpublish(containerId);
        List<Open> opened = new ArrayList<>();
        try {
            for (PortRequest request : requests) {
                opened.add(openOne(containerId, containerIp, request));
            }
            List<PublishedPort> ports = opened.stream().map(Open::port).toList();
            // no record for no ports (unpublish removed any): most containers publish none, and it costs two fsyncs
            if (!ports.isEmpty()) {
                store.write(containerId, ports);
            }
            open.put(containerId, List.copyOf(opened));
            if (!ports.isEmpty()) {
                LOG.info("container {} publishes {}", shortId(containerId), ports);
            }
            return ports;
        } catch (EngineException e) {
            closeAll(containerId, opened);
            throw new EngineException(e.kind(), "driver failed programming external connectivity on endpoint " + endpoint
                    + " (" + shortId(containerId) + "): " + e.getMessage());
        } catch (RuntimeException e) {
            closeAll(containerId, opened);
            throw e;
        }
    }

    /**
     * After an engine restart, for a container that kept running: opens the host ports it had again. A port
     * something else took meanwhile is reported and skipped, so the container keeps what can be restored.
     */
    public synchronized List<PublishedPort> restore(String containerId, String containerIp) {
        List<PublishedPort> recorded = store.read(containerId).orElse(List.of());
        List<Open> opened = new ArrayList<>();
        for (PublishedPort port : recorded) {
            PortRequest same = new PortRequest(port.target(), port.hostIp(), port.hostPort(), port.hostPort());
            try {
                opened.add(openOne(containerId, containerIp, same));
            } catch (RuntimeException e) {
                LOG.warn("cannot reopen port {} of container {}: {}", port, shortId(containerId), e.getMessage());
            }
        }
        open.put(containerId, List.copyOf(opened));
        return opened.stream().map(Open::port).toList();
    }

    /**
     * The container's address changed while it runs (network connect or disconnect): its host ports, the same
     * numbers, forward to {@code containerIp} from now on. Open connections end, as when dockerd moves its proxies;
     * a port something else took in between is reported and dropped, as by {@link #restore}.
     */
    public synchronized List<PublishedPort> retarget(String containerId, String containerIp) {
        List<Open> current = open.getOrDefault(containerId, List.of());
        if (current.stream().allMatch(port -> port.containerIp().equals(containerIp))) {
            return current.stream().map(Open::port).toList();
        }
        closeAll(containerId, current);
        open.remove(containerId);
        List<PublishedPort> reopened = restore(containerId, containerIp);
        LOG.info("container {} publishes {} toward {}", shortId(containerId), reopened, containerIp);
        return reopened;
    }

    /** Whether the container has its ports published (possibly none), as opposed to unpublished or never published. */
    public boolean isPublishing(String containerId) {
        return open.containsKey(containerId);
    }

    /** Closes the container's host ports and forgets them. Idempotent. */
    public synchronized void unpublish(String containerId) {
        List<Open> ports = open.remove(containerId);
        closeAll(containerId, ports == null ? List.of() : ports);
        store.delete(containerId);
    }

    /** The host ports the container has open now; empty when it has none or is not running. */
    public List<PublishedPort> published(String containerId) {
        List<Open> ports = open.get(containerId);
        return ports == null ? List.of() : ports.stream().map(Open::port).toList();
    }

    /**
     * Drops the records of containers that are gone or no longer run (removed while no engine ran); returns
     * how many it dropped.
     */
    public synchronized int sweep(java.util.Set<String> runningContainerIds) {
        int dropped = 0;
        for (String id : store.containerIds()) {
            if (!runningContainerIds.contains(id)) {
                unpublish(id);
                dropped++;
            }
        }
        return dropped;
    }

    /** The container's open forwarders, for tests. */
    List<Forwarder> forwarders(String containerId) {
        List<Open> ports = open.get(containerId);
        return ports == null ? List.of() : ports.stream().map(Open::forwarder).toList();
    }

    /** Which ports the engine recorded for a container, open or not (for tests and recovery). */
    Optional<List<PublishedPort>> recorded(String containerId) {
        return store.read(containerId);
    }

    /**
     * The engine stops: every listener closes with it, but the records stay, so that a new engine reopens
     * the ports of the containers that keep running.
     */
    @Override
    public synchronized void close() {
        open.forEach((id, ports) -> closeAll(id, ports));
        open.clear();
        transport.close();
    }

    private Open openOne(String containerId, String containerIp, PortRequest request) {
        ContainerPort target = request.target();
        InetSocketAddress to = new InetSocketAddress(containerIp, target.port());
        List<Integer> candidates = allocator.candidates(request);
        for (int i = 0; i < candidates.size(); i++) {
            InetSocketAddress listen = new InetSocketAddress(request.hostIp(), candidates.get(i));
            try {
                Forwarder forwarder = switch (target.protocol()) {
                    case TCP -> TcpForwarder.open(transport, listen, to);
                    case UDP -> UdpForwarder.open(transport, listen, to, udpIdle);
                };
                try {
                    allocator.hold(containerId, target.protocol(), request.hostIp(), forwarder.hostPort());
                } catch (RuntimeException e) {
                    forwarder.close();
                    throw e;
                }
                return new Open(new PublishedPort(target, request.hostIp(), forwarder.hostPort()), forwarder, containerIp);
            } catch (BindFailure e) {
                boolean tryNext = e.inUse() && i + 1 < candidates.size();
                if (!tryNext) {
                    String family = request.hostIp().contains(":") ? "6" : "4";
                    throw EngineException.internal("Error starting userland proxy: listen " + target.protocol().wire() + family + " "
                            + HostIps.withPort(request.hostIp(), String.valueOf(candidates.get(i))) + ": bind: " + e.getMessage());
                }
            }
        }
        throw new IllegalStateException("no candidate port for " + request);
    }

    private void closeAll(String containerId, List<Open> ports) {
        for (Open port : ports) {
            try {
                port.forwarder().close();
            } catch (RuntimeException e) {
                LOG.warn("closing port {} of container {} failed: {}", port.port(), shortId(containerId), e.getMessage());
            }
        }
        allocator.releaseAll(containerId);
    }

    private static String shortId(String containerId) {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }
}
