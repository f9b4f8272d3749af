package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageReferenceTest {

    @Test
    void dockerHubNamesAreNormalizedAndShownFamiliar() {
        ImageReference busybox = ImageReference.parse("busybox");
        assertEquals("docker.io/library/busybox:latest", busybox.toString());
        assertEquals("busybox:latest", busybox.familiar());
        assertEquals("docker.io/library/busybox:1.36", ImageReference.parse("docker.io/library/busybox:1.36").toString());
        assertEquals("busybox:1.36", ImageReference.parse("index.docker.io/library/busybox:1.36").familiar());
        assertEquals("docker.io/acc/app:latest", ImageReference.parse("acc/app").toString());
        assertEquals("acc/app:latest", ImageReference.parse("acc/app").familiar());
    }

    @Test
    void otherRegistriesStayAsTheyAre() {
        assertEquals("localhost/acc/busybox:1", ImageReference.parse("localhost/acc/busybox:1").toString());
        assertEquals("localhost/acc/busybox:1", ImageReference.parse("localhost/acc/busybox:1").familiar());
        assertEquals("127.0.0.1:5000/x:y", ImageReference.parse("127.0.0.1:5000/x:y").familiar());
        assertEquals("registry.example.com/team/app:2", ImageReference.parse("registry.example.com/team/app:2").familiar());
        ImageReference port = ImageReference.parse("localhost:5000/app");
        assertEquals("localhost:5000", port.domain());
        assertEquals("latest", port.tag());
    }

    @Test
    void digestsAndBareNames() {
        String digest = "sha256:" + "a".repeat(64);
        ImageReference byDigest = ImageReference.parse("busybox@" + digest);
        assertNull(byDigest.tag());
        assertEquals("busybox@" + digest, byDigest.familiar());
        assertNull(ImageReference.parseName("localhost/acc/busybox", true).tag());
    }

    @Test
    void malformedReferencesAreA400() {
        for (String bad : new String[] {"", "Busybox", "busy box", "busybox:", "a//b", "busybox:bad tag", "-x", "x@sha256:12"}) {
            EngineException e = assertThrows(EngineException.class, () -> ImageReference.parse(bad), bad);
            assertEquals(EngineException.Kind.INVALID, e.kind(), bad);
        }
    }
}
