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
        NetworkAttachment bridged = new NetworkAttachment("c1", NetworkMode.defaultBridge(), Path.of("/run/netns/jm-c1"),
                "10.1.0.2", 24, "10.1.0.1", "aa:bb:cc:dd:ee:01", "jm0");
        store.write(AttachmentStore.Stored.of(bridged, MAPPER.readTree(CniInvokerTest.BRIDGE_RESULT)));
        store.write(AttachmentStore.Stored.of(NetworkAttachment.host("c2"), null));
        store.write(AttachmentStore.Stored.of(NetworkAttachment.isolated("c3", Path.of("/run/netns/jm-c3")), null));

        AttachmentStore reopened = new AttachmentStore(dir.resolve("attachments"), MAPPER);
        assertEquals(bridged, reopened.read("c1").orElseThrow().attachment());
        assertEquals(MAPPER.readTree(CniInvokerTest.BRIDGE_RESULT), reopened.read("c1").orElseThrow().cniResult());
        assertEquals(NetworkAttachment.host("c2"), reopened.read("c2").orElseThrow().attachment());
        assertEquals(NetworkAttachment.isolated("c3", Path.of("/run/netns/jm-c3")), reopened.read("c3").orElseThrow().attachment());
        assertEquals(List.of("c1", "c2", "c3"), reopened.containerIds());

        reopened.delete("c2");
        reopened.delete("c2");
        assertEquals(Optional.empty(), reopened.read("c2"));
        assertEquals(List.of("c1", "c3"), reopened.containerIds());
    }

    @Test
    void anEmptyStoreHasNothing() {
        AttachmentStore store = new AttachmentStore(dir.resolve("never-made"), MAPPER);
        assertEquals(List.of(), store.containerIds());
        assertEquals(Optional.empty(), store.read("x"));
    }
}
