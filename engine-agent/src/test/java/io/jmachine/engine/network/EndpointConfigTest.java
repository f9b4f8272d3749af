package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class EndpointConfigTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void whatWasSentIsShownBackNullStaysNullAndAnEmptyObjectStaysEmpty() throws Exception {
        EndpointConfig fromRun = MAPPER.readValue("{\"Aliases\":[\"web\"],\"IPAMConfig\":{\"IPv4Address\":\"10.1.2.3\"}}", EndpointConfig.class);
        assertEquals(MAPPER.readTree("{\"IPAMConfig\":{\"IPv4Address\":\"10.1.2.3\"},\"Links\":null,\"Aliases\":[\"web\"],\"DriverOpts\":null}"),
                MAPPER.valueToTree(fromRun));
        // the docker CLI's network connect sends empty objects, which dockerd shows as {}
        EndpointConfig fromConnect = MAPPER.readValue("{\"IPAMConfig\":{},\"DriverOpts\":{},\"Links\":null}", EndpointConfig.class);
        assertEquals(MAPPER.readTree("{\"IPAMConfig\":{},\"Links\":null,\"Aliases\":null,\"DriverOpts\":{}}"), MAPPER.valueToTree(fromConnect));
        assertEquals("10.1.2.3", fromRun.requestedIpv4());
        assertNull(fromConnect.requestedIpv4());
    }

    @Test
    void theShortIdAndHostnameAreAddedOnceAfterTheRequestedAliases() {
        EndpointConfig config = EndpointConfig.withAliasesOnly(List.of("web"));
        EndpointConfig named = config.withAliasesAdded(List.of("abcdef012345", "abcdef012345"));
        assertEquals(List.of("web", "abcdef012345"), named.aliases());
        assertSame(named, named.withAliasesAdded(List.of("web", "abcdef012345")), "nothing new, the same config");
        assertNull(EndpointConfig.NONE.aliases());
    }

    @Test
    void aRequestStoredByAnEngineThatKeptOnlyAliasesIsReadWithThem() throws Exception {
        EndpointRequest old = MAPPER.readValue("{\"network\":\"web\",\"aliases\":[\"site\"]}", EndpointRequest.class);
        assertEquals(List.of("site"), old.aliases());
        EndpointRequest now = new EndpointRequest("web",
                new EndpointConfig(new EndpointConfig.Ipam("10.1.2.3", null, List.of("169.254.1.1")), List.of("db:sql"), List.of("a"), null));
        assertEquals(now, MAPPER.readValue(MAPPER.writeValueAsBytes(now), EndpointRequest.class));
    }
}
