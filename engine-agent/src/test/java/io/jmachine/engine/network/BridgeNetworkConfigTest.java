package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BridgeNetworkConfigTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theDefaultsAreJm0On172_29AndStateUnderTheDataRoot() {
        NetworkSettings settings = NetworkSettings.defaults(Path.of("/var/lib/jmachine-engine"));
        assertEquals("jm0", settings.bridgeName());
        assertEquals("172.29.0.0/16", settings.subnet().toString());
        assertEquals(Path.of("/var/lib/jmachine-engine/network/ipam"), settings.ipamDataDir());
        assertEquals(Path.of("/usr/lib/cni"), settings.cniPluginDir());
        assertTrue(settings.netnsPrefix().matches("jm[0-9a-f]{6}-"), settings.netnsPrefix());
        assertEquals(settings.netnsPrefix(), NetworkSettings.defaults(Path.of("/var/lib/jmachine-engine/")).netnsPrefix(), "stable per data root");
        assertNotEquals(settings.netnsPrefix(), NetworkSettings.defaults(Path.of("/tmp/other")).netnsPrefix(),
                "engines with their own data roots never sweep each other's namespaces");
    }

    @Test
    void aBipNamingTheBridgesAddressMakesItTheContainersGateway() {
        NetworkSettings settings = NetworkSettings.defaults(Path.of("/data")).withBridge("jmt1", "10.77.3.9/24");
        BridgeNetwork bridge = new BridgeNetwork(settings, new CniInvoker(settings.cniPluginDir(), MAPPER), MAPPER);
        assertEquals("10.77.3.0/24", settings.subnet().toString());
        assertEquals("10.77.3.9", bridge.gateway());
        assertEquals("10.77.3.1", NetworkSettings.defaults(Path.of("/data")).withBridge("jmt1", "10.77.3.0/24").gateway());
    }

    @Test
    void theChainIsTheBridgePluginWithHostLocalIpam() throws Exception {
        NetworkSettings settings = NetworkSettings.defaults(Path.of("/data")).withBridge("jmt1", Ipv4Subnet.parse("10.77.3.0/24"));
        BridgeNetwork bridge = new BridgeNetwork(settings, new CniInvoker(settings.cniPluginDir(), MAPPER), MAPPER);
        assertEquals(MAPPER.readTree("""
                {"cniVersion":"1.0.0","name":"bridge","plugins":[
                  {"type":"bridge","bridge":"jmt1","isGateway":true,"ipMasq":false,"hairpinMode":true,
                   "ipam":{"type":"host-local","ranges":[[{"subnet":"10.77.3.0/24","gateway":"10.77.3.1"}]],
                           "routes":[{"dst":"0.0.0.0/0"}],"dataDir":"/data/network/ipam"}}]}"""),
                bridge.configuration().toJson(MAPPER));
        assertEquals("10.77.3.1", bridge.gateway());
    }

    @Test
    void anMtuIsPassedOnOnlyWhenSet() {
        NetworkSettings settings = new NetworkSettings("jmt2", Ipv4Subnet.parse("10.77.4.0/24"), Path.of("/d"), Path.of("/usr/lib/cni"), "jmt-", 1400);
        BridgeNetwork bridge = new BridgeNetwork(settings, new CniInvoker(settings.cniPluginDir(), MAPPER), MAPPER);
        assertEquals(1400, bridge.configuration().plugins().getFirst().path("mtu").asInt());
        BridgeNetwork plain = new BridgeNetwork(settings.withBridge("jmt2", settings.subnet()).withNetnsPrefix("x-"),
                new CniInvoker(settings.cniPluginDir(), MAPPER), MAPPER);
        assertEquals(1400, plain.configuration().plugins().getFirst().path("mtu").asInt(), "with-ers keep the MTU");
        NetworkSettings noMtu = NetworkSettings.defaults(Path.of("/d"));
        assertFalse(new BridgeNetwork(noMtu, null, MAPPER).configuration().plugins().getFirst().has("mtu"));
    }

    @Test
    void settingsRefuseWhatTheKernelOrThePluginsWouldRefuseLater() {
        NetworkSettings defaults = NetworkSettings.defaults(Path.of("/d"));
        assertThrows(IllegalArgumentException.class, () -> defaults.withBridge("a-bridge-name-too-long", defaults.subnet()));
        assertThrows(IllegalArgumentException.class, () -> defaults.withBridge("jm 0", defaults.subnet()));
        assertThrows(IllegalArgumentException.class, () -> defaults.withNetnsPrefix("../"));
        assertThrows(IllegalArgumentException.class,
                () -> new NetworkSettings("jm0", defaults.subnet(), Path.of("/d"), Path.of("/usr/lib/cni"), "jm-", 100));
    }

    @Test
    void anIpRangeAndAuxiliaryAddressesBecomeRunsOfTheSubnetWithoutTheGateway() throws Exception {
        BridgeNetwork bridge = new BridgeNetwork(new BridgeNetwork.Spec("n1", "br-n1", Ipv4Subnet.parse("10.77.5.0/24"), "10.77.5.128",
                false, 0, Path.of("/ipam"), "10.77.5.128/25", List.of("10.77.5.130", "10.77.5.40")), null, MAPPER);
        assertEquals(MAPPER.readTree("""
                [[{"subnet":"10.77.5.0/24","rangeStart":"10.77.5.129","rangeEnd":"10.77.5.129","gateway":"10.77.5.128"},
                  {"subnet":"10.77.5.0/24","rangeStart":"10.77.5.131","rangeEnd":"10.77.5.254","gateway":"10.77.5.128"}]]"""),
                bridge.configuration(true).plugins().getFirst().path("ipam").path("ranges"));
    }

    @Test
    void aRequestedAddressIsAskedOfHostLocalFromTheWholeSubnet() throws Exception {
        BridgeNetwork bridge = new BridgeNetwork(new BridgeNetwork.Spec("n1", "br-n1", Ipv4Subnet.parse("10.77.5.0/24"), "10.77.5.128",
                false, 0, Path.of("/ipam"), "10.77.5.128/25", List.of()), null, MAPPER);
        var plugin = bridge.configuration(false, "10.77.5.7").plugins().getFirst();
        assertEquals(MAPPER.readTree("[[{\"subnet\":\"10.77.5.0/24\",\"gateway\":\"10.77.5.128\"}]]"), plugin.path("ipam").path("ranges"),
                "a fixed address may lie outside the IPRange, as with dockerd");
        assertEquals(MAPPER.readTree("{\"cni\":{\"ips\":[\"10.77.5.7\"]}}"), plugin.path("args"));
        assertEquals(0, plugin.path("ipam").path("routes").size(), "not the first network: no default route");
        assertFalse(bridge.configuration(true).plugins().getFirst().has("args"));
    }

    @Test
    void theMasqueradeChainIsNamedAsThePluginNamesIt() {
        // seen on this host: the bridge plugin 1.1.1 with network "jmtmanual" and container "abc123"
        assertEquals("CNI-d4d4340be1335d43260c65b8", MasqueradeLeftovers.chainName("jmtmanual", "abc123"));
        assertEquals("name: \"bridge\" id: \"abc\"", MasqueradeLeftovers.comment("bridge", "abc"));
    }
}
