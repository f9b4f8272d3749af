package io.jmachine.engine.network;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocationRangesTest {

    private static final Ipv4Subnet SUBNET = Ipv4Subnet.parse("10.77.5.0/24");

    private static List<String> runs(String ipRange, String... reserved) {
        return AllocationRanges.of(SUBNET, ipRange, List.of(reserved)).stream()
                .map(run -> run.firstAddress() + "-" + run.lastAddress()).toList();
    }

    @Test
    void theWholeSubnetLessNetworkAndBroadcastWhenNothingIsGiven() {
        assertEquals(List.of("10.77.5.1-10.77.5.254"), runs(null));
    }

    @Test
    void theRangeIsCutAroundReservedAddressesAndThoseOutsideItAreIgnored() {
        assertEquals(List.of("10.77.5.128-10.77.5.129", "10.77.5.131-10.77.5.254"), runs("10.77.5.128/25", "10.77.5.130", "10.77.5.7"));
        assertEquals(List.of("10.77.5.2-10.77.5.127"), runs("10.77.5.0/25", "10.77.5.1"), "a range at the subnet's start skips its network address");
        assertEquals(List.of(), runs("10.77.5.9/32", "10.77.5.9"), "nothing left");
    }

    @Test
    void addressesAbove128AreComparedUnsigned() {
        List<AllocationRanges.Run> high = AllocationRanges.of(Ipv4Subnet.parse("192.168.16.0/20"), "192.168.20.0/24", List.of("192.168.20.1"));
        assertEquals(List.of("192.168.20.0-192.168.20.0", "192.168.20.2-192.168.20.255"),
                high.stream().map(r -> r.firstAddress() + "-" + r.lastAddress()).toList());
    }

    @Test
    void theFirstUsableAddressOfARangeIsDockerdsGateway() {
        assertEquals("10.77.5.128", AllocationRanges.firstUsable(SUBNET, "10.77.5.128/25"));
        assertEquals("10.77.5.1", AllocationRanges.firstUsable(SUBNET, "10.77.5.0/25"));
    }

    @Test
    void aRangeIsACidrOfAnyLengthWithinTheSubnet() {
        assertTrue(AllocationRanges.Cidr.parse("10.77.5.130/25").within(SUBNET), "host bits are cleared");
        assertFalse(AllocationRanges.Cidr.parse("10.77.6.0/25").within(SUBNET));
        assertFalse(AllocationRanges.Cidr.parse("10.77.0.0/16").within(SUBNET), "wider than the subnet");
        assertThrows(IllegalArgumentException.class, () -> AllocationRanges.Cidr.parse("10.77.5.0"));
        assertThrows(IllegalArgumentException.class, () -> AllocationRanges.Cidr.parse("10.77.5.0/33"));
    }
}
