package io.jmachine.engine.registry;

import io.jmachine.engine.fs.Folder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.image.ImageDistribution;
import io.jmachine.engine.image.ImageReference;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pulls, pushes and logins against Docker Registry v2 / OCI distribution registries. Each operation is two steps:
 * {@code prepare…} does everything that may fail before output starts (parse, resolve, find the manifest), so
 * that such failures are plain API errors as in dockerd; {@code pull}/{@code push} then stream progress and throw
 * on failure, which the caller reports as the stream's error line.
 */
public final class RegistryService {

    /** Generous: the largest layers seen in the wild are tens of GiB. */
    public static final long DEFAULT_MAX_LAYER_BYTES = 64L << 30;
    private static final int CONCURRENT_LAYERS = 3;

    /** A pull ready to stream. */
    public static final class PreparedPull {
        private final ImagePuller.Plan plan;

        private PreparedPull(ImagePuller.Plan plan) {
            this.plan = plan;
        }
    }

    /** A push ready to stream. */
    public static final class PreparedPush {
        private final ImagePusher.Plan plan;

        private PreparedPush(ImagePusher.Plan plan) {
            this.plan = plan;
        }
    }

    private final RegistryConnections connections;
    private final ImagePuller puller;
    private final ImagePusher pusher;

    /**
     * @param stateDir      where the blob memory and push work files live (e.g. {@code <data-root>/image/distribution})
     * @param maxLayerBytes the most one layer may unpack to
     */
    public RegistryService(ImageDistribution store, RegistryHosts hosts, Path stateDir, long maxLayerBytes, ObjectMapper json) {
        this.connections = new RegistryConnections(hosts, json);
        Path work = stateDir.resolve("tmp");
        try {
            Folder.deleteTree(work); // gzipped layers of pushes a crash interrupted
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + work, e);
        }
        BlobMemory memory = new BlobMemory(stateDir.resolve("blobs-by-layer.json"), json);
        this.puller = new ImagePuller(connections, store, memory, maxLayerBytes, CONCURRENT_LAYERS);
        this.pusher = new ImagePusher(connections, store, memory, work, CONCURRENT_LAYERS);
    }

    /**
     * {@code fromImage} ("busybox", "127.0.0.1:5000/acc/x", "x@sha256:…") with an optional {@code tag} (or a digest in
     * it), for {@code platform} (blank: this host's). Finds the manifest and reads the image config.
     */
    public PreparedPull preparePull(String fromImage, String tag, String platform, RegistryCredentials credentials) throws IOException {
        ImageReference named = ImageReference.parseName(fromImage, true);
        ImageReference reference;
        if (tag != null && !tag.isEmpty()) {
            reference = io.jmachine.engine.image.Digest.isDigest(tag) ? new ImageReference(named.domain(), named.path(), null, tag) : named.withTag(tag);
        } else {
            reference = named.tag() == null && named.digest() == null ? named.withTag("latest") : named;
        }
        if (reference.tag() != null && reference.digest() != null) {
            reference = new ImageReference(reference.domain(), reference.path(), null, reference.digest()); // the digest decides
        }
        try {
            return new PreparedPull(puller.plan(reference, Platform.parse(platform), credentials));
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    public void pull(PreparedPull pull, ProgressWriter progress) throws IOException {
        try {
            puller.pull(pull.plan, progress);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** {@code name} ("127.0.0.1:5000/acc/x", with or without a tag) and {@code tag} (empty: all tags). 404 when not here. */
    public PreparedPush preparePush(String name, String tag, RegistryCredentials credentials) {
        return new PreparedPush(pusher.plan(name, tag, credentials));
    }

    public void push(PreparedPush push, ProgressWriter progress) throws IOException {
        try {
            pusher.push(push.plan, progress);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * {@code docker login}: checks the credentials against the registry {@code serverAddress} names (empty: Docker
     * Hub). Throws a 401 when the registry refuses them.
     */
    public void login(RegistryCredentials credentials, String serverAddress) throws IOException {
        if (!credentials.hasPassword() && credentials.identityToken() == null && credentials.registryToken() == null) {
            throw EngineException.invalid("login needs a username and password");
        }
        String domain = RegistryHosts.domainOf(serverAddress);
        RegistryClient client = connections.client(connections.hosts().base(domain), "", credentials, List.of());
        try {
            client.ping();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * {@code GET /distribution/{name}/json}: what the registry serves for {@code name} (a tag, latest when none, or a
     * digest): the manifest's descriptor and its platforms, as a JSON-ready value.
     */
    public Object inspectDistribution(String name, RegistryCredentials credentials) throws IOException {
        if (name.matches("(sha256:)?[0-9a-f]{64}")) {
            throw EngineException.internal("no manifest found for full image ID");
        }
        ImageReference reference = ImageReference.parseName(name, true);
        if (reference.tag() == null && reference.digest() == null) {
            reference = reference.withTag("latest");
        }
        try {
            return new DistributionInspector(connections).inspect(reference, credentials);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static InterruptedIOException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new InterruptedIOException("interrupted while talking to a registry");
    }
}
