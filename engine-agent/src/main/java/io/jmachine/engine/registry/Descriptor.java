package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.image.Digest;

/**
 * An OCI content descriptor: what a manifest says of a blob or of another manifest.
 *
 * @param platform only set on the entries of a manifest list or index
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform) {

    static Descriptor parse(JsonNode node, String where) {
        String digest = node.path("digest").asText("");
        if (!Digest.isDigest(digest)) {
            throw RegistryException.failed("the registry sent a manifest with an unusable " + where + " digest \"" + digest
                    + "\": this engine takes sha256 digests only");
        }
        long size = node.path("size").asLong(-1);
        if (size < 0) {
            throw RegistryException.failed("the registry sent a manifest whose " + where + " " + digest + " has no size");
        }
        JsonNode platform = node.path("platform");
        return new Descriptor(node.path("mediaType").asText(""), Digest.parse(digest), size, platform.isObject()
                ? new Platform(platform.path("os").asText(""), platform.path("architecture").asText(""),
                        platform.path("variant").isTextual() ? platform.path("variant").asText() : null)
                : null);
    }
}
