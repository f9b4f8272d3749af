package io.jmachine.engine.network;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SubnetPoolTest {

    private static final SubnetPool POOL = SubnetPool.dockerDefaults();

    @Test
    void theFirstDefaultPoolIsDockers() {
        assertEquals(Optional.of(Ipv4Subnet.parse("172.17.0.0/16")), POOL.allocate(List.of(), List.of()));
    }

    @Test
    void subnetsOfOtherNetworksAndHostRoutesAreSkipped() {
        List<HostRoutes.Destination> routes = HostRoutes.parse("""
                default via 192.0.2.1 dev eth0
                172.18.0.0/16 dev br-1 proto kernel scope link src 172.18.0.1
                172.19.4.0/24 dev vpn0 scope link
                local 172.20.0.9 dev eth1 table local proto kernel scope host src 172.20.0.9
                broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src 192.0.2.2
                """);
        assertEquals(Optional.of(Ipv4Subnet.parse("172.21.0.0/16")),
                POOL.allocate(List.of(Ipv4Subnet.parse("172.17.0.0/16")), routes),
                "17 is another network's, 18 and 19.4 are routed, 20.0.9 is a local address");
    }

    @Test
    void aWideRouteCoversEveryCandidateInsideIt() {
        List<HostRoutes.Destination> routes = HostRoutes.parse("172.16.0.0/12 dev tun0\n");
        assertEquals(Optional.of(Ipv4Subnet.parse("192.168.0.0/20")), POOL.allocate(List.of(), routes));
    }

    @Test
    void aDefaultRouteTakesNothing() {
        assertEquals(List.of(), HostRoutes.parse("default via 10.0.0.1 dev eth0\n0.0.0.0/0 dev wg0\n"));
    }

    @Test
    void anExhaustedPoolSaysSo() {
        SubnetPool tiny = new SubnetPool(List.of(Ipv4Subnet.parse("10.9.0.0/24")));
        assertEquals(Optional.empty(), tiny.allocate(List.of(Ipv4Subnet.parse("10.0.0.0/8")), List.of()));
        assertEquals(Optional.empty(), tiny.allocate(List.of(), HostRoutes.parse("10.9.0.128/25 dev x\n")));
    }
}
