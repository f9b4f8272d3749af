package io.jmachine.engine.network;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostRoutesTest {

    private static final String ROUTES = """
            default via 192.0.2.1 dev eth0
            172.29.0.0/16 dev jm0 proto kernel scope link src 172.29.0.1 linkdown
            172.29.0.0/24 dev docker0 proto kernel scope link src 172.29.0.1 linkdown
            local 172.29.0.1 dev jm0 table local proto kernel scope host src 172.29.0.1
            unreachable 10.9.0.0/16
            """;

    private static NetworkSettings settings(String bridge, String subnet) {
        return NetworkSettings.defaults(Path.of("/tmp/x/data")).withBridge(bridge, Ipv4Subnet.parse(subnet));
    }

    @Test
    void aRouteKeepsItsDevice() {
        List<HostRoutes.Destination> routes = HostRoutes.parse(ROUTES);
        assertEquals("docker0", routes.get(1).device());
        assertEquals(null, routes.get(3).device(), "an unreachable route has no device");
    }

    @Test
    void anotherInterfaceInsideTheDefaultSubnetIsNamedWithBip() {
        Optional<String> why = HostRoutes.foreignRouteInto(settings("jm0", "172.29.0.0/16"), HostRoutes.parse(ROUTES));
        assertTrue(why.isPresent());
        assertTrue(why.get().contains("172.29.0.0/24 on docker0"), why.get());
        assertTrue(why.get().contains("ip link delete docker0") && why.get().contains("--bip"), why.get());
    }

    @Test
    void theEnginesOwnBridgeAndRoutesOutsideTheSubnetAreNoConflict() {
        List<HostRoutes.Destination> own = HostRoutes.parse("172.29.0.0/16 dev jm0 proto kernel scope link src 172.29.0.1\n"
                + "local 172.29.0.1 dev jm0 table local proto kernel scope host src 172.29.0.1\n10.1.0.0/24 dev eth1\n");
        assertEquals(Optional.empty(), HostRoutes.foreignRouteInto(settings("jm0", "172.29.0.0/16"), own));
        assertTrue(HostRoutes.foreignRouteInto(settings("jm0", "10.9.3.0/24"), HostRoutes.parse(ROUTES)).get()
                .contains("remove that route"), "a route with no device is named by its destination");
    }
}
