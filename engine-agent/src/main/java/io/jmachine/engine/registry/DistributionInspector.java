package io.jmachine.engine.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.image.ImageReference;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /distribution/{name}/json}, as dockerd 20.10 answers it: the descriptor of the manifest the registry
 * serves for the name, and the platforms it is for, from a list's entries or a Docker v2 manifest's config (dockerd
 * reads no platform from an OCI image manifest: none then).
 */
final class DistributionInspector {

    /** The OCI descriptor dockerd writes: mediaType, digest, size. */
    record Target(@JsonProperty("mediaType") String mediaType, @JsonProperty("digest") String digest, @JsonProperty("size") long size) {}

    /** An OCI platform as dockerd writes it: empty fields left out. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record PlatformView(@JsonProperty("architecture") String architecture, @JsonProperty("os") String os,
                        @JsonProperty("os.version") String osVersion, @JsonProperty("os.features") List<String> osFeatures,
                        @JsonProperty("variant") String variant) {}

    /** @param platforms null when the manifest tells none */
    record Inspection(@JsonProperty("Descriptor") Target descriptor, @JsonProperty("Platforms") List<PlatformView> platforms) {}

    private static final int MAX_CONFIG_BYTES = 8 << 20;

    private final RegistryConnections connections;

    DistributionInspector(RegistryConnections connections) {
        this.connections = connections;
    }

    Inspection inspect(ImageReference reference, RegistryCredentials credentials) throws IOException, InterruptedException {
        String wanted = reference.digest() != null ? reference.digest() : reference.tag();
        RegistryException failure = null;
        for (URI base : connections.hosts().pullBases(reference.domain())) {
            RegistryClient client = connections.client(base, reference.path(), credentials, RegistryClient.scopes(reference.path(), false));
            try {
                return inspect(client, client.manifest(wanted, reference.familiar()));
            } catch (RegistryException e) {
                failure = e; // a mirror that fails is passed over, as for pulls
            }
        }
        throw failure;
    }

    private Inspection inspect(RegistryClient client, RegistryClient.FetchedManifest fetched) throws IOException, InterruptedException {
        Manifest manifest = Manifest.parse(fetched.body(), fetched.contentType(), connections.json());
        String mediaType = switch (manifest) {
            case Manifest.Index index -> index.mediaType();
            case Manifest.ImageManifest image -> image.mediaType();
        };
        Target descriptor = new Target(mediaType, fetched.digest().toString(), fetched.body().length);
        List<PlatformView> platforms = new ArrayList<>();
        if (manifest instanceof Manifest.Index index) {
            for (Descriptor entry : index.manifests()) {
                Platform platform = entry.platform();
                platforms.add(platform == null ? new PlatformView("", "", null, null, null)
                        : new PlatformView(platform.architecture(), platform.os(), null, null, platform.variant()));
            }
        } else if (manifest instanceof Manifest.ImageManifest image && image.mediaType().equals(Manifest.DOCKER_V2)) {
            JsonNode config = connections.json().readTree(client.smallBlob(image.config(), MAX_CONFIG_BYTES));
            PlatformView platform = new PlatformView(config.path("architecture").asText(""), config.path("os").asText(""),
                    config.path("os.version").asText(""), features(config.path("os.features")), config.path("variant").asText(""));
            if (!platform.os().isEmpty() || !platform.architecture().isEmpty()) {
                platforms.add(platform);
            }
        }
        return new Inspection(descriptor, platforms.isEmpty() ? null : platforms);
    }

    private static List<String> features(JsonNode node) {
        List<String> features = new ArrayList<>();
        node.forEach(feature -> features.add(feature.asText()));
        return features;
    }
}
