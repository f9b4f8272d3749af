package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttachmentStoreTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void anAttachmentAndItsCniResultSurviveARoundTrip() throws Exception {
        AttachmentStore store = new AttachmentStore(dir.resolve("attachments"), MAPPER);
        NetworkAttachment.Endpoint eth0 = new NetworkAttachment.Endpoint("n1", "bridge", "e1", "eth0", "10.1.0.2", 24, "10.1.0.1",
                "aa:bb:cc:dd:ee:01", "jm0", List.of());
        NetworkAttachment.Endpoint eth1 = new NetworkAttachment.Endpoint("n2", "web", "e2", "eth1", "10.2.0.2", 24, "10.2.0.1",
                "aa:bb:cc:dd:ee:02", "br-n2", List.of("db"));
        NetworkAttachment bridged = new NetworkAttachment("c1", NetworkMode.defaultBridge(), Path.of("/run/netns/jm-c1"),
                List.of(eth0, eth1), List.of("192.0.2.53"));
        store.write(AttachmentStore.Stored.of("c1", bridged.mode(), bridged.netnsPath(), List.of(
                new AttachmentStore.StoredEndpoint(eth0, MAPPER.readTree("{\"name\":\"bridge\"}"), MAPPER.readTree(CniInvokerTest.BRIDGE_RESULT)),
                new AttachmentStore.StoredEndpoint(eth1, null, null)), bridged.dnsServers()));
        store.write(AttachmentStore.Stored.of(NetworkAttachment.host("c2")));
        store.write(AttachmentStore.Stored.of(NetworkAttachment.isolated("c3", Path.of("/run/netns/jm-c3"))));

        AttachmentStore reopened = new AttachmentStore(dir.resolve("attachments"), MAPPER);
        assertEquals(bridged, reopened.read("c1").orElseThrow().attachment());
        assertEquals(MAPPER.readTree(CniInvokerTest.BRIDGE_RESULT), reopened.read("c1").orElseThrow().endpoints().getFirst().cniResult());
        assertEquals("bridge", reopened.read("c1").orElseThrow().endpoints().getFirst().cniConfig().path("name").asText());
        assertEquals(NetworkAttachment.host("c2"), reopened.read("c2").orElseThrow().attachment());
        assertEquals(NetworkAttachment.isolated("c3", Path.of("/run/netns/jm-c3")), reopened.read("c3").orElseThrow().attachment());
        assertEquals(List.of("c1", "c2", "c3"), reopened.containerIds());

        reopened.delete("c2");
        reopened.delete("c2");
        assertEquals(Optional.empty(), reopened.read("c2"));
        assertEquals(List.of("c1", "c3"), reopened.containerIds());
    }

    @Test
    void aRecordOfAnEngineBeforeUserNetworksReadsAsOneEndpointOnTheDefaultBridge() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("attachments"));
        java.nio.file.Files.writeString(dir.resolve("attachments/c9.json"), """
                {"containerId":"c9","mode":"bridge","netns":"/run/netns/jm-c9","ipAddress":"10.1.0.9","prefixLength":24,
                 "gateway":"10.1.0.1","macAddress":"aa:bb:cc:dd:ee:09","bridgeName":"jm0","cniResult":{"cniVersion":"1.0.0"}}""");
        AttachmentStore.Stored stored = new AttachmentStore(dir.resolve("attachments"), MAPPER).read("c9").orElseThrow();
        assertEquals(1, stored.endpoints().size());
        assertEquals("eth0", stored.endpoints().getFirst().endpoint().ifName());
        assertEquals("10.1.0.9", stored.attachment().ipAddress());
        assertEquals("jm0", stored.attachment().bridgeName());
        assertEquals(null, stored.endpoints().getFirst().cniConfig(), "DEL then uses the default bridge's chain");
    }

    @Test
    void anEmptyStoreHasNothing() {
        AttachmentStore store = new AttachmentStore(dir.resolve("never-made"), MAPPER);
        assertEquals(List.of(), store.containerIds());
        assertEquals(Optional.empty(), store.read("x"));
    }
}
