package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The host ports this engine holds, by owner (a container). It answers "which ports may this request try,
 * in order" so that a port another container holds is refused with Docker's "port is already allocated"
 * before any bind; a port a foreign process holds is found by the bind itself.
 */
final class PortAllocator {

    private record Held(String owner, Protocol protocol, String hostIp, int port) {}

    private final List<Held> held = new ArrayList<>();

    /**
     * The host ports to try for {@code request}, in order: the fixed port, or the range's ports not held
     * here; for "any port" a single 0, which lets the kernel choose a free one.
     *
     * @throws EngineException INTERNAL, "port is already allocated" when nothing is left to try
     */
    synchronized List<Integer> candidates(PortRequest request) {
        if (request.anyPort()) {
            return List.of(0);
        }
        List<Integer> free = IntStream.rangeClosed(request.firstHostPort(), request.lastHostPort())
                .filter(port -> holder(request.target().protocol(), request.hostIp(), port) == null)
                .boxed().toList();
        if (free.isEmpty()) {
            throw EngineException.internal("Bind for " + request.hostSide() + " failed: port is already allocated");
        }
        return free;
    }

    /** Records a bound port; refuses one this engine already holds on an overlapping address. */
    synchronized void hold(String owner, Protocol protocol, String hostIp, int port) {
        Held other = holder(protocol, hostIp, port);
        if (other != null) {
            throw EngineException.internal("Bind for " + HostIps.withPort(hostIp, String.valueOf(port))
                    + " failed: port is already allocated");
        }
        held.add(new Held(owner, protocol, hostIp, port));
    }

    synchronized void releaseAll(String owner) {
        held.removeIf(h -> h.owner().equals(owner));
    }

    synchronized int heldBy(String owner) {
        return (int) held.stream().filter(h -> h.owner().equals(owner)).count();
    }

    private Held holder(Protocol protocol, String hostIp, int port) {
        for (Held h : held) {
            if (h.protocol() == protocol && h.port() == port && overlaps(h.hostIp(), hostIp)) {
                return h;
            }
        }
        return null;
    }

    /** 0.0.0.0 takes the port on every address, so it clashes with any single address, as the kernel's bind. */
    private static boolean overlaps(String a, String b) {
        return a.equals(b) || HostIps.isAny(a) || HostIps.isAny(b);
    }
}
