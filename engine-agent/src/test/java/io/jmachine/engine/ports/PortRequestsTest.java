package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortRequestsTest {

    private static Map<String, List<PortRequests.Binding>> bindings(String key, PortRequests.Binding... list) {
        Map<String, List<PortRequests.Binding>> map = new LinkedHashMap<>();
        map.put(key, List.of(list));
        return map;
    }

    @Test
    void aFixedPortOnLoopback() {
        List<PortRequest> requests = PortRequests.of(bindings("80/tcp", new PortRequests.Binding("127.0.0.1", "18080")), Set.of(), false);
        assertEquals(List.of(new PortRequest(new ContainerPort(80, Protocol.TCP), "127.0.0.1", 18080, 18080)), requests);
    }

    @Test
    void anEmptyHostIpMeansEveryAddressAndAnEmptyPortAnyPort() {
        List<PortRequest> requests = PortRequests.of(bindings("53/udp", new PortRequests.Binding("", "")), Set.of(), false);
        assertEquals(List.of(new PortRequest(new ContainerPort(53, Protocol.UDP), "0.0.0.0", 0, 0)), requests);
        assertTrue(requests.get(0).anyPort());
    }

    @Test
    void aKeyWithoutProtocolIsTcpAndARangeIsKept() {
        List<PortRequest> requests = PortRequests.of(bindings("80", new PortRequests.Binding(null, "8000-8010")), Set.of(), false);
        assertEquals(new PortRequest(new ContainerPort(80, Protocol.TCP), "0.0.0.0", 8000, 8010), requests.get(0));
    }

    @Test
    void publishAllAddsExposedPortsWithoutABindingInPortOrder() {
        Map<String, List<PortRequests.Binding>> map = bindings("80/tcp", new PortRequests.Binding("", "8080"));
        List<PortRequest> requests = PortRequests.of(map, Set.of("443/tcp", "80/tcp", "53/udp"), true);
        assertEquals(List.of(
                new PortRequest(new ContainerPort(53, Protocol.UDP), "0.0.0.0", 0, 0),
                new PortRequest(new ContainerPort(80, Protocol.TCP), "0.0.0.0", 8080, 8080),
                new PortRequest(new ContainerPort(443, Protocol.TCP), "0.0.0.0", 0, 0)), requests);
    }

    @Test
    void exposedPortsAreNotPublishedWithoutPublishAll() {
        assertEquals(List.of(), PortRequests.of(Map.of(), Set.of("80/tcp"), false));
    }

    @Test
    void severalBindingsOfOnePortAreAllKept() {
        List<PortRequest> requests = PortRequests.of(bindings("80/tcp", new PortRequests.Binding("127.0.0.1", "8080"),
                new PortRequests.Binding("::1", "8080")), Set.of(), false);
        assertEquals(2, requests.size());
        assertEquals("0:0:0:0:0:0:0:1", requests.get(1).hostIp());
    }

    @Test
    void badInputIsA400NamingWhatIsWrong() {
        EngineException port = assertThrows(EngineException.class,
                () -> PortRequests.of(bindings("80/tcp", new PortRequests.Binding("", "99999")), Set.of(), false));
        assertEquals(EngineException.Kind.INVALID, port.kind());
        assertTrue(port.getMessage().contains("host port"), port.getMessage());
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class,
                () -> PortRequests.of(bindings("http/tcp", new PortRequests.Binding("", "80")), Set.of(), false)).kind());
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class,
                () -> PortRequests.of(bindings("80/tcp", new PortRequests.Binding("localhost", "80")), Set.of(), false)).kind());
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class,
                () -> PortRequests.of(bindings("80/tcp", new PortRequests.Binding("300.1.1.1", "80")), Set.of(), false)).kind());
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class,
                () -> PortRequests.of(bindings("80/tcp", new PortRequests.Binding("", "90-80")), Set.of(), false)).kind());
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class,
                () -> PortRequests.of(bindings("0/tcp", new PortRequests.Binding("", "80")), Set.of(), false)).kind());
        EngineException sctp = assertThrows(EngineException.class, () -> PortRequests.of(Map.of(), Set.of("80/sctp"), true));
        assertTrue(sctp.getMessage().contains("sctp"), sctp.getMessage());
    }

    @Test
    void containerPortKeysRoundTrip() {
        assertEquals("80/tcp", ContainerPort.parse("80").key());
        assertEquals("53/udp", ContainerPort.parse("53/UDP").key());
    }
}
