package io.jmachine.drivers.kvm;

import io.jmachine.drivers.PortForwarding.Published;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What to change in the VM's forwards so that they are those the containers publish: a pure function of the published
 * ports and the forwards present, so that a reconcile after any event (or none) converges, whatever was missed.
 *
 * @param add    forwards to set up
 * @param remove forwards no container publishes any more
 * @param clashes desired forwards that would take the host socket of one of the machine's own (SSH, engine, --kvm-port-forward)
 */
record ForwardPlan(List<HostForward> add, List<HostForward> remove, List<HostForward> clashes) {

    /**
     * The forwards the published ports call for: a port published on every address ({@code 0.0.0.0}, {@code ::}) is
     * forwarded on {@code forwardAddress}; one published on a specific address the host has, on that address; on one the
     * host lacks, on {@code forwardAddress} too. The guest port is the published port: the engine in the VM listens there.
     */
    static List<HostForward> desired(List<Published> ports, String forwardAddress, Predicate<String> hostHas) {
        Set<HostForward> forwards = new LinkedHashSet<>();
        for (Published port : ports) {
            if (port.port() < 1 || port.port() > 65535) {
                continue;
            }
            String proto = port.proto() == null ? "tcp" : port.proto().toLowerCase(java.util.Locale.ROOT);
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                continue; // sctp: QEMU's user-mode networking has no such forward
            }
            forwards.add(new HostForward(proto, hostAddress(port.hostIp(), forwardAddress, hostHas), port.port(), port.port()));
        }
        return List.copyOf(forwards);
    }

    private static String hostAddress(String published, String forwardAddress, Predicate<String> hostHas) {
        if (published == null || published.isEmpty() || published.equals("0.0.0.0") || published.equals("::")
                || published.contains(":")) {
            return forwardAddress; // QEMU 7.2 forwards IPv4 only
        }
        return hostHas.test(published) ? published : forwardAddress;
    }

    /**
     * @param desired the forwards the containers call for ({@link #desired})
     * @param present the forwards QEMU has now, the machine's own among them
     * @param own     the machine's own forwards, never removed
     */
    static ForwardPlan of(List<HostForward> desired, List<HostForward> present, List<HostForward> own) {
        List<HostForward> managed = present.stream().filter(p -> own.stream().noneMatch(p::sameHostSocket)).toList();
        List<HostForward> clashes = new ArrayList<>();
        List<HostForward> add = new ArrayList<>();
        for (HostForward want : desired) {
            if (own.stream().anyMatch(want::sameHostSocket)) {
                clashes.add(want);
            } else if (!managed.contains(want)) {
                add.add(want);
            }
        }
        // a rule present but no longer wanted as it is (gone, or now to another guest port) goes before the adds
        List<HostForward> remove = managed.stream().filter(p -> !desired.contains(p)).toList();
        return new ForwardPlan(List.copyOf(add), remove, List.copyOf(clashes));
    }
}
