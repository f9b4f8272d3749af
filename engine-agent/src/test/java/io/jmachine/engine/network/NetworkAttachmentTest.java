package io.jmachine.engine.network;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NetworkAttachmentTest {

    private static NetworkAttachment.Endpoint on(String networkId, String networkName, String ifName, String ip) {
        return new NetworkAttachment.Endpoint(networkId, networkName, "e-" + networkId, ifName, ip, 16, null, null, "br", List.of());
    }

    private static Optional<String> external(NetworkAttachment attachment, Set<String> internal) {
        return attachment.externalEndpoint(internal::contains).map(NetworkAttachment.Endpoint::ipAddress);
    }

    @Test
    void publishedPortsGoToTheFirstNetworkByNameAsDockerdsGatewayEndpoint() {
        NetworkAttachment attachment = new NetworkAttachment("c", new NetworkMode.Bridge("zz"), Path.of("/run/netns/x"),
                List.of(on("z", "zz", "eth0", "10.1.0.2"), on("a", "aa", "eth1", "10.2.0.2")), List.of());
        assertEquals(Optional.of("10.2.0.2"), external(attachment, Set.of()), "aa sorts before zz, whichever is eth0");
        assertEquals(Optional.of("10.1.0.2"), external(attachment, Set.of("a")), "an internal network gives no way out");
        assertEquals(Optional.empty(), external(attachment, Set.of("a", "z")), "internal networks only: nothing is published");
    }

    @Test
    void hostNoneAndAHalfMadeEndpointHaveNone() {
        assertEquals(Optional.empty(), external(NetworkAttachment.host("c"), Set.of()));
        assertEquals(Optional.empty(), external(NetworkAttachment.isolated("c", Path.of("/run/netns/x")), Set.of()));
        NetworkAttachment halfMade = new NetworkAttachment("c", new NetworkMode.Bridge("bridge"), Path.of("/run/netns/x"),
                List.of(on("b", "bridge", "eth0", null)), List.of());
        assertEquals(Optional.empty(), external(halfMade, Set.of()));
    }
}
