package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.image.Digest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Manifests by type and shape, and which entry of a manifest list a platform picks. */
class ManifestSelectionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);
    private static final String D = "sha256:" + "d".repeat(64);

    private static final String INDEX = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":10,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":11,"platform":{"os":"linux","architecture":"amd64"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":12,"platform":{"os":"unknown","architecture":"unknown"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":13,"platform":{"os":"linux","architecture":"arm","variant":"v7"}}
            ]}""".formatted(A, B, C, D);

    private static Manifest parse(String json, String contentType) {
        return Manifest.parse(json.getBytes(StandardCharsets.UTF_8), contentType, JSON);
    }

    @Test
    void indexEntriesArePickedByPlatform() {
        Manifest.Index index = assertInstanceOf(Manifest.Index.class, parse(INDEX, null));
        assertEquals(Digest.parse(B), index.select(Platform.parse("linux/amd64")).orElseThrow().digest());
        assertEquals(Digest.parse(A), index.select(Platform.parse("linux/arm64")).orElseThrow().digest());
        assertEquals(Digest.parse(A), index.select(Platform.parse("linux/arm64/v8")).orElseThrow().digest());
        assertEquals(Digest.parse(D), index.select(Platform.parse("linux/arm/v7")).orElseThrow().digest());
        assertTrue(index.select(Platform.parse("linux/arm/v6")).isEmpty());
        assertTrue(index.select(Platform.parse("windows/amd64")).isEmpty());
        assertEquals(Digest.parse(B), index.select(Platform.parse("x86_64")).orElseThrow().digest(), "an arch alone is the host's os");
    }

    @Test
    void theHostPlatformIsLinuxWithGoArchitectureNames() {
        Platform host = Platform.parse("");
        assertEquals("linux", host.os());
        assertFalse(host.architecture().equals("x86_64") || host.architecture().equals("aarch64"), host.toString());
        assertThrows(EngineException.class, () -> Platform.parse("linux/amd64/v1/extra"));
    }

    @Test
    void imageManifestsOfBothKindsAndTheirTypeFromTheResponseWhenTheBodyHasNone() {
        String body = """
                {"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":5},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":7}]}""".formatted(A, B);
        Manifest.ImageManifest oci = assertInstanceOf(Manifest.ImageManifest.class, parse(body, Manifest.OCI_MANIFEST + "; charset=utf-8"));
        assertEquals(Manifest.OCI_MANIFEST, oci.mediaType());
        assertEquals(Digest.parse(A), oci.config().digest());
        assertEquals(7, oci.layers().getFirst().size());
        Manifest docker = parse(body.replace("{\"schemaVersion\":2,", "{\"schemaVersion\":2,\"mediaType\":\"" + Manifest.DOCKER_V2 + "\","), null);
        assertEquals(Manifest.DOCKER_V2, assertInstanceOf(Manifest.ImageManifest.class, docker).mediaType());
    }

    @Test
    void unusableManifestsAreRefusedWithAReason() {
        assertTrue(assertThrows(RegistryException.class, () -> parse("{\"schemaVersion\":1,\"fsLayers\":[]}", null))
                .getMessage().contains("schema 1"));
        assertTrue(assertThrows(RegistryException.class, () -> parse("{\"schemaVersion\":2,\"layers\":[]}", Manifest.DOCKER_V2))
                .getMessage().contains("without a config"));
        assertTrue(assertThrows(RegistryException.class, () -> parse("""
                {"schemaVersion":2,"config":{"digest":"sha512:abc","size":1},"layers":[]}""", null)).getMessage().contains("sha256"));
        assertThrows(RegistryException.class, () -> parse("not json", null));
    }
}
