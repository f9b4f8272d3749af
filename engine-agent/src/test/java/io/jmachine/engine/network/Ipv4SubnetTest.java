package io.jmachine.engine.network;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4SubnetTest {

    @Test
    void parsesAndFormatsCidr() {
        Ipv4Subnet subnet = Ipv4Subnet.parse("172.29.0.0/16");
        assertEquals("172.29.0.0/16", subnet.toString());
        assertEquals(16, subnet.prefixLength());
        assertEquals("172.29.0.1", subnet.gateway());
        assertEquals("10.200.255.1", Ipv4Subnet.parse("10.200.255.0/24").gateway());
    }

    @Test
    void containsAndOverlaps() {
        Ipv4Subnet subnet = Ipv4Subnet.parse("10.1.2.0/24");
        assertTrue(subnet.contains("10.1.2.254"));
        assertFalse(subnet.contains("10.1.3.1"));
        assertTrue(subnet.overlaps(Ipv4Subnet.parse("10.0.0.0/8")));
        assertTrue(Ipv4Subnet.parse("10.0.0.0/8").overlaps(subnet));
        assertFalse(subnet.overlaps(Ipv4Subnet.parse("10.1.3.0/24")));
    }

    @Test
    void refusesWhatIsNotASubnet() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.parse("10.1.2.3/24"), "host bits set");
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.parse("10.1.2.0"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.parse("10.1.2.0/31"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.parse("10.1.256.0/24"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.parse("10.1.2/24"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.parse("fd00::/64"));
    }

    @Test
    void aBipWithAHostAddressIsTheBridgesAddressAsDockerdReadsIt() {
        Ipv4Subnet.BridgeAddress bridge = Ipv4Subnet.bridgeAddress("192.168.5.7/24");
        assertEquals("192.168.5.0/24", bridge.subnet().toString());
        assertEquals("192.168.5.7", bridge.address());
        assertEquals(null, Ipv4Subnet.bridgeAddress("10.9.0.0/16").address(), "a network address keeps the first host");
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.bridgeAddress("10.9.0.255/24"), "broadcast");
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.bridgeAddress("10.9.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Subnet.bridgeAddress("10.9.0.1/x"));
    }
}
