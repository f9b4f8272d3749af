package io.jmachine.engine.network;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointAddressesTest {

    private static final NetworkRecord BRIDGE = network("bridge", "172.29.0.0/16", false, null);
    private static final NetworkRecord PICKED = network("picked", "172.30.0.0/16", false, null);
    private static final NetworkRecord FIXED = network("fixed", "10.77.5.0/24", true,
            new IpamPool("10.77.5.0/24", "10.77.5.128/25", null, Map.of("router", "10.77.5.130")));

    private static NetworkRecord network(String name, String subnet, boolean custom, IpamPool pool) {
        String gateway = Ipv4Subnet.parse(subnet).gateway();
        return new NetworkRecord(name + "-id", name, NetworkRecord.DRIVER_BRIDGE, Instant.EPOCH, subnet, gateway, "br-" + name, name,
                false, Map.of(), Map.of(), custom, pool == null ? null : List.of(pool), false);
    }

    private static EndpointConfig ip(String v4, String v6, String... linkLocal) {
        return new EndpointConfig(new EndpointConfig.Ipam(v4, v6, List.of(linkLocal)), null, null, null);
    }

    private static void refused(EngineException.Kind kind, String words, Executable call) {
        EngineException e = assertThrows(EngineException.class, call);
        assertEquals(kind, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void aFixedAddressIsHonouredOnlyWhereTheUserGaveTheSubnetAndInsideIt() {
        assertEquals("10.77.5.7", EndpointAddresses.requestedIpv4(FIXED, ip("10.77.5.7", null)), "outside the IPRange is fine");
        refused(EngineException.Kind.INVALID, "It does not belong to any of this network's subnets", () -> EndpointAddresses.validate(FIXED, ip("10.99.0.5", null)));
        refused(EngineException.Kind.INVALID, "invalid IPv4 address: 10.77.5.300", () -> EndpointAddresses.validate(FIXED, ip("10.77.5.300", null)));
        refused(EngineException.Kind.INVALID, EndpointAddresses.IP_WITHOUT_SUBNET, () -> EndpointAddresses.validate(PICKED, ip("172.30.0.9", null)));
        refused(EngineException.Kind.INVALID, EndpointAddresses.IP_ON_PREDEFINED, () -> EndpointAddresses.validate(BRIDGE, ip("172.29.0.9", null)));
    }

    @Test
    void aliasesAreForUserNetworksAndLinkLocalAddressesMustBeAddresses() {
        refused(EngineException.Kind.INVALID, EndpointAddresses.ALIAS_ON_PREDEFINED, () -> EndpointAddresses.validate(BRIDGE, EndpointConfig.withAliasesOnly(List.of("x"))));
        assertDoesNotThrow(() -> EndpointAddresses.validate(PICKED, EndpointConfig.withAliasesOnly(List.of("x"))));
        assertDoesNotThrow(() -> EndpointAddresses.validate(BRIDGE, ip(null, null, "169.254.9.9", "fe80::9")), "dockerd allows them anywhere");
        refused(EngineException.Kind.INVALID, "Invalid link-local IP address", () -> EndpointAddresses.validate(PICKED, ip(null, null, "nonsense")));
    }

    @Test
    void anIpv6AddressIsKeptWithoutEnableIpv6AsDockerdKeepsItAndRefusedClearlyWithIt() {
        refused(EngineException.Kind.INVALID, EndpointAddresses.IP_WITHOUT_SUBNET, () -> EndpointAddresses.validate(FIXED, ip(null, "fd00::5")));
        refused(EngineException.Kind.INVALID, "invalid IPv6 address", () -> EndpointAddresses.validate(FIXED, ip(null, "fd00::zz")));
        List<IpamPool> pools = List.of(new IpamPool("10.77.6.0/24", null, null, null), new IpamPool("fd00:1::/64", null, null, null));
        NetworkRecord v6off = new NetworkRecord("d-id", "v6off", NetworkRecord.DRIVER_BRIDGE, Instant.EPOCH, "10.77.6.0/24", "10.77.6.1",
                "br-d", "d", false, Map.of(), Map.of(), true, pools, false);
        assertDoesNotThrow(() -> EndpointAddresses.validate(v6off, ip(null, "fd00:1::5")));
        NetworkRecord v6on = new NetworkRecord("d-id", "v6on", NetworkRecord.DRIVER_BRIDGE, Instant.EPOCH, "10.77.6.0/24", "10.77.6.1",
                "br-d", "d", false, Map.of(), Map.of(), true, pools, true);
        refused(EngineException.Kind.INVALID, "IPv4 addresses only", () -> EndpointAddresses.validate(v6on, ip(null, "fd00:1::5")));
    }

    @Test
    void theNetworksOwnAddressesAndAnotherContainersAreTaken() {
        refused(EngineException.Kind.CONFLICT, "Address already in use", () -> EndpointAddresses.refuseTaken(FIXED, "10.77.5.1", "c1", List.of()));
        refused(EngineException.Kind.CONFLICT, "Address already in use", () -> EndpointAddresses.refuseTaken(FIXED, "10.77.5.130", "c1", List.of()));
        refused(EngineException.Kind.CONFLICT, "Address already in use", () -> EndpointAddresses.refuseTaken(FIXED, "10.77.5.255", "c1", List.of()));
        NetworkAttachment.Endpoint holder = new NetworkAttachment.Endpoint(FIXED.id(), "fixed", "e", "eth0", "10.77.5.7", 24, "10.77.5.1",
                null, "br-fixed", List.of());
        AttachmentStore.Stored other = AttachmentStore.Stored.of("b".repeat(64), new NetworkMode.Bridge("fixed"), Path.of("/run/netns/b"),
                List.of(new AttachmentStore.StoredEndpoint(holder, null, null)), List.of());
        refused(EngineException.Kind.CONFLICT, "container bbbbbbbbbbbb has 10.77.5.7", () -> EndpointAddresses.refuseTaken(FIXED, "10.77.5.7", "c1", List.of(other)));
        assertDoesNotThrow(() -> EndpointAddresses.refuseTaken(FIXED, "10.77.5.7", "b".repeat(64), List.of(other)), "its own");
        assertDoesNotThrow(() -> EndpointAddresses.refuseTaken(FIXED, "10.77.5.8", "c1", List.of(other)));
    }
}
