package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A manifest a registry serves: one image's (config and layers), or a list of those by platform. */
public sealed interface Manifest permits Manifest.ImageManifest, Manifest.Index {

    String DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** The Accept header of a manifest request: every type this engine reads. */
    String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_V2);

    /** @param layers bottom first */
    record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) implements Manifest {
    }

    record Index(String mediaType, List<Descriptor> manifests) implements Manifest {

        /** The entry for {@code wanted}; attestation manifests (platform unknown/unknown) never match. */
        public Optional<Descriptor> select(Platform wanted) {
            return manifests.stream().filter(d -> wanted.accepts(d.platform())).findFirst();
        }

        public List<String> platforms() {
            return manifests.stream().filter(d -> d.platform() != null).map(d -> d.platform().toString()).toList();
        }
    }

    /**
     * Reads a manifest; its type comes from its own mediaType field, else the response's Content-Type, else its
     * shape (an index has "manifests"). Schema 1 manifests are refused: registries stopped serving them.
     */
    static Manifest parse(byte[] body, String contentType, ObjectMapper json) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            throw RegistryException.failed("the registry sent a manifest that is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw RegistryException.failed("the registry sent a manifest that is not a JSON object");
        }
        String mediaType = node.path("mediaType").asText("");
        if (mediaType.isEmpty()) {
            mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
        }
        if (node.path("schemaVersion").asInt() == 1) {
            throw RegistryException.failed("the registry sent a schema 1 manifest, which this engine does not read: "
                    + "push the image again with a current client (Docker v2 schema 2 or OCI)");
        }
        boolean index = Set.of(DOCKER_LIST, OCI_INDEX).contains(mediaType)
                || (!Set.of(DOCKER_V2, OCI_MANIFEST).contains(mediaType) && node.has("manifests"));
        if (index) {
            List<Descriptor> manifests = new ArrayList<>();
            for (JsonNode entry : node.path("manifests")) {
                manifests.add(Descriptor.parse(entry, "manifest"));
            }
            return new Index(mediaType, manifests);
        }
        if (!node.path("config").isObject()) {
            throw RegistryException.failed("the registry sent a manifest of type \"" + mediaType + "\" without a config");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode layer : node.path("layers")) {
            layers.add(Descriptor.parse(layer, "layer"));
        }
        return new ImageManifest(mediaType, Descriptor.parse(node.path("config"), "config"), layers);
    }
}
