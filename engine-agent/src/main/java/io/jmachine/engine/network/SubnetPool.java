package io.jmachine.engine.network;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where user-defined networks get their subnets when none is given: Docker's default pools, 172.17.0.0/12
 * cut in /16s and then 192.168.0.0/16 cut in /20s, first free one first. Free means: no other network of
 * the engine has it and no host route touches it (another engine's bridge, a VPN, the host's own LAN).
 */
public final class SubnetPool {

    private final List<Ipv4Subnet> candidates;

    public SubnetPool(List<Ipv4Subnet> candidates) {
        this.candidates = List.copyOf(candidates);
    }

    public static SubnetPool dockerDefaults() {
        List<Ipv4Subnet> candidates = new ArrayList<>();
        for (int second = 17; second <= 31; second++) {
            candidates.add(Ipv4Subnet.parse("172." + second + ".0.0/16"));
        }
        for (int third = 0; third < 256; third += 16) {
            candidates.add(Ipv4Subnet.parse("192.168." + third + ".0/20"));
        }
        return new SubnetPool(candidates);
    }

    /** The first candidate overlapping neither a taken subnet nor a host route. */
    Optional<Ipv4Subnet> allocate(Collection<Ipv4Subnet> taken, List<HostRoutes.Destination> hostRoutes) {
        for (Ipv4Subnet candidate : candidates) {
            if (taken.stream().noneMatch(candidate::overlaps) && hostRoutes.stream().noneMatch(r -> r.overlaps(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
