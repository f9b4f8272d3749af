package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.ImageDistribution;
import io.jmachine.engine.image.ImageReference;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;

/**
 * {@code docker pull}: {@link #plan} resolves the reference to one image manifest and its config (failures
 * there are plain API errors, before any output); {@link #pull} then fetches the missing layers a few at a time,
 * each verified and unpacked while it streams, and adds the image to the store only when every layer checked out.
 */
final class ImagePuller {

    private static final int MAX_CONFIG_BYTES = 8 << 20;

    /** What a pull will fetch: the image manifest chosen for the platform and its config, read and verified. */
    record Plan(ImageReference reference, RegistryClient client, Digest manifestDigest, Manifest.ImageManifest manifest,
                byte[] config, List<Digest> diffIds) {
    }

    private final RegistryConnections connections;
    private final ImageDistribution store;
    private final BlobMemory memory;
    private final long maxLayerBytes;
    private final int concurrency;

    ImagePuller(RegistryConnections connections, ImageDistribution store, BlobMemory memory, long maxLayerBytes, int concurrency) {
        this.connections = connections;
        this.store = store;
        this.memory = memory;
        this.maxLayerBytes = maxLayerBytes;
        this.concurrency = concurrency;
    }

    Plan plan(ImageReference reference, Platform platform, RegistryCredentials credentials) throws IOException, InterruptedException {
        String wanted = reference.digest() != null ? reference.digest() : reference.tag();
        List<URI> bases = connections.hosts().pullBases(reference.domain());
        RegistryException failure = null;
        for (URI base : bases) {
            RegistryClient client = connections.client(base, reference.path(), credentials, RegistryClient.scopes(reference.path(), false));
            try {
                RegistryClient.FetchedManifest top = client.manifest(wanted, reference.familiar());
                return plan(reference, client, top, platform);
            } catch (RegistryException e) {
                failure = e; // a mirror that fails is passed over, as dockerd does
            }
        }
        throw failure;
    }

    private Plan plan(ImageReference reference, RegistryClient client, RegistryClient.FetchedManifest top, Platform platform)
            throws IOException, InterruptedException {
        Manifest manifest = Manifest.parse(top.body(), top.contentType(), connections.json());
        if (manifest instanceof Manifest.Index index) {
            Descriptor chosen = index.select(platform).orElseThrow(() -> RegistryException.notFound(                    "no matching manifest for " + platform + " in the manifest list entries (it has " + index.platforms() + ")"));
            RegistryClient.FetchedManifest child = client.manifest(chosen.digest().toString(), reference.familiar());
            manifest = Manifest.parse(child.body(), child.contentType(), connections.json());
            if (!(manifest instanceof Manifest.ImageManifest)) {
                throw RegistryException.failed("the manifest list of " + reference.familiar() + " names another list for " + platform);
            }
        }
        Manifest.ImageManifest image = (Manifest.ImageManifest) manifest;
        byte[] config = client.smallBlob(image.config(), MAX_CONFIG_BYTES);
        List<Digest> diffIds = new ArrayList<>();
        try {
            for (JsonNode diffId : connections.json().readTree(config).path("rootfs").path("diff_ids")) {
                diffIds.add(Digest.parse(diffId.asText()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw RegistryException.failed("the image config of " + reference.familiar() + " is unreadable: " + e.getMessage());
        }
        if (diffIds.size() != image.layers().size()) {
            throw RegistryException.failed("the manifest of " + reference.familiar() + " lists " + image.layers().size()
                    + " layers but its config " + diffIds.size() + ": refused");
        }
        return new Plan(reference, client, top.digest(), image, config, diffIds);
    }

    /** Fetches, verifies and stores; progress lines go out as it goes. Throws on any failure, the store unchanged. */
    void pull(Plan plan, ProgressWriter progress) throws IOException, InterruptedException {
        ImageReference reference = plan.reference();
        progress.status(reference.digest() != null ? reference.digest() : reference.tag(), "Pulling from " + reference.path());
        List<Descriptor> layers = plan.manifest().layers();
        Map<Digest, Integer> toFetch = new LinkedHashMap<>(); // by diff ID: a layer twice in one image is fetched once
        boolean allStored = true;
        for (int i = 0; i < layers.size(); i++) {
            Digest diffId = plan.diffIds().get(i);
            if (store.hasLayer(diffId)) {
                progress.status(layers.get(i).digest().shortHex(), "Already exists");
            } else if (toFetch.putIfAbsent(diffId, i) == null) {
                allStored = false;
                progress.status(layers.get(i).digest().shortHex(), "Pulling fs layer");
            }
        }
        Map<Digest, ImageDistribution.StagedLayer> staged = new ConcurrentHashMap<>();
        try {
            fetchAll(plan, toFetch, staged, progress);
            List<ImageReference> references = new ArrayList<>();
            if (reference.tag() != null) {
                references.add(reference);
            }
            references.add(new ImageReference(reference.domain(), reference.path(), null, plan.manifestDigest().toString()));
            Digest imageId = Digest.of(plan.config());
            boolean upToDate = allStored && reference.tag() != null && store.imageId(reference).map(imageId::equals).orElse(false)
                    || allStored && reference.tag() == null && store.imageId(references.getLast()).map(imageId::equals).orElse(false);
            store.commit(plan.config(), staged, references);
            staged.clear();
            for (int i = 0; i < layers.size(); i++) {
                memory.remember(plan.diffIds().get(i), new BlobMemory.Known(reference.domain(), reference.path(),
                        layers.get(i).digest(), layers.get(i).size()));
            }
            progress.status("Digest: " + plan.manifestDigest());
            progress.status("Status: " + (upToDate ? "Image is up to date for " : "Downloaded newer image for ") + reference.familiar());
        } finally {
            for (ImageDistribution.StagedLayer layer : staged.values()) {
                layer.discard();
            }
        }
    }

    private void fetchAll(Plan plan, Map<Digest, Integer> toFetch, Map<Digest, ImageDistribution.StagedLayer> staged,
                          ProgressWriter progress) throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        AtomicBoolean cancelled = new AtomicBoolean();
        List<Future<?>> tasks = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<Digest, Integer> entry : toFetch.entrySet()) {
                int index = entry.getValue();
                tasks.add(executor.submit(() -> {
                    String id = plan.manifest().layers().get(index).digest().shortHex();
                    if (!slots.tryAcquire()) {
                        progress.status(id, "Waiting");
                        slots.acquire();
                    }
                    try {
                        if (!cancelled.get()) {
                            staged.put(entry.getKey(), fetchLayer(plan, index, progress, cancelled));
                        }
                    } catch (IOException | RuntimeException e) {
                        cancelled.set(true);
                        throw e;
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<?> task : tasks) {
                try {
                    task.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (first == null || (first.getMessage() != null && first.getMessage().startsWith("pull cancelled"))) {
                        first = e.getCause();
                    }
                }
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (first != null) {
                throw new IOException(first);
            }
        }
    }

    private ImageDistribution.StagedLayer fetchLayer(Plan plan, int index, ProgressWriter progress, AtomicBoolean cancelled)
            throws IOException, InterruptedException {
        Descriptor layer = plan.manifest().layers().get(index);
        String id = layer.digest().shortHex();
        ImageDistribution.StagedLayer staged;
        try (InputStream body = plan.client().blob(layer.digest())) {
            VerifyingStream verifying = new VerifyingStream(body, layer, done -> reportDownload(progress, id, done, layer.size()), cancelled);
            InputStream tar = new BoundedStream(decompressed(new BufferedInputStream(verifying, 1 << 16), layer), maxLayerBytes,
                    "layer " + layer.digest());
            try {
                staged = store.stage(tar);
            } catch (IOException unpackFailure) {
                throw verifying.explain(unpackFailure);
            }
            try {
                verifying.verify();
                progress.status(id, "Verifying Checksum");
                progress.status(id, "Download complete");
                Digest expected = plan.diffIds().get(index);
                if (!staged.diffId().equals(expected)) {
                    throw RegistryException.failed("layer " + layer.digest() + " unpacks to diff ID " + staged.diffId()
                            + " but the image config says " + expected + ": refused");
                }
            } catch (IOException | RuntimeException e) {
                staged.discard();
                throw e;
            }
        }
        progress.progress(id, "Extracting", layer.size(), layer.size());
        progress.status(id, "Pull complete");
        return staged;
    }

    private static void reportDownload(ProgressWriter progress, String id, long done, long total) {
        try {
            progress.progress(id, "Downloading", done, total);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // the client went away: stops the download
        }
    }

    /** Gzip (and zstd, when commons-compress can) by their magic numbers; anything else is read as a plain tar. */
    private static InputStream decompressed(BufferedInputStream in, Descriptor layer) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            throw RegistryException.failed("layer " + layer.digest() + " is zstd-compressed, which this engine cannot unpack yet: "
                    + "push the image with gzip layers (e.g. skopeo copy --dest-compress-format gzip)");
        }
        return in;
    }
}
