package io.jmachine.engine.registry;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageDistribution;
import io.jmachine.engine.image.ImageReference;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * {@code docker push}: for each tag, every layer the registry lacks is gzipped and uploaded (a few at a time),
 * then the config and a Docker v2 schema 2 manifest whose layers are those gzipped blobs. Which blob holds a
 * layer is remembered per registry ({@link BlobMemory}), so a layer pushed or pulled before is only checked
 * ("Layer already exists") or mounted from the repository that has it, never compressed again.
 */
final class ImagePusher {

    /** The tags a push sends, all in one repository. */
    record Plan(ImageReference repository, List<ImageReference> tags, RegistryClient client) {
    }

    private record Blob(Digest digest, long size) {
    }

    private final RegistryConnections connections;
    private final ImageDistribution store;
    private final BlobMemory memory;
    private final Path workDir;
    private final int concurrency;

    ImagePusher(RegistryConnections connections, ImageDistribution store, BlobMemory memory, Path workDir, int concurrency) {
        this.connections = connections;
        this.store = store;
        this.memory = memory;
        this.workDir = workDir;
        this.concurrency = concurrency;
    }

    /** {@code name} may carry a tag; an empty {@code tag} with none pushes every tag of the repository. 404 when none is here. */
    Plan plan(String name, String tag, RegistryCredentials credentials) {
        ImageReference named = ImageReference.parseName(name, true);
        ImageReference repository = new ImageReference(named.domain(), named.path(), null, null);
        String wantedTag = tag != null && !tag.isEmpty() ? tag : named.tag();
        List<ImageReference> tags = wantedTag != null ? List.of(repository.withTag(wantedTag)) : store.tagsOf(repository.name());
        if (tags.isEmpty() || store.imageId(tags.getFirst()).isEmpty()) {
            throw EngineException.notFound("An image does not exist locally with the tag: " + repository.familiarName()
                    + (wantedTag != null ? ":" + wantedTag : ""));
        }
        Set<String> scopes = new LinkedHashSet<>(RegistryClient.scopes(repository.path(), true));
        for (ImageReference tagged : tags) {
            for (Digest diffId : store.resolve(tagged.toString()).config().diffIds()) {
                memory.lookup(diffId, repository.domain()).forEach(k -> scopes.add("repository:" + k.repository() + ":pull"));
            }
        }
        RegistryClient client = connections.client(connections.hosts().base(repository.domain()), repository.path(), credentials,
                List.copyOf(scopes));
        return new Plan(repository, tags, client);
    }

    void push(Plan plan, ProgressWriter progress) throws IOException, InterruptedException {
        progress.status("The push refers to repository [" + plan.repository().name() + "]");
        for (ImageReference tagged : plan.tags()) {
            pushTag(plan, tagged, progress);
        }
    }

    private void pushTag(Plan plan, ImageReference tagged, ProgressWriter progress) throws IOException, InterruptedException {
        Image image = store.resolve(tagged.toString());
        List<Digest> diffIds = image.config().diffIds();
        List<Digest> unique = new ArrayList<>(new LinkedHashSet<>(diffIds));
        for (Digest diffId : unique.reversed()) {
            progress.status(diffId.shortHex(), "Preparing"); // top layer first, as dockerd lists them
        }
        Map<Digest, Blob> blobs = pushLayers(plan, unique, progress);
        byte[] config = store.rawConfig(image);
        Digest configDigest = Digest.of(config);
        if (!plan.client().blobExists(configDigest)) {
            plan.client().upload(configDigest, config.length, () -> new ByteArrayInputStream(config), sent -> { });
        }
        byte[] manifest = manifest(configDigest, config.length, diffIds.stream().map(blobs::get).toList());
        Digest digest = plan.client().putManifest(tagged.tag(), Manifest.DOCKER_V2, manifest);
        store.addReference(new ImageReference(tagged.domain(), tagged.path(), null, digest.toString()), image.id());
        progress.status(tagged.tag() + ": digest: " + digest + " size: " + manifest.length);
        Map<String, Object> aux = new LinkedHashMap<>();
        aux.put("Tag", tagged.tag());
        aux.put("Digest", digest.toString());
        aux.put("Size", manifest.length);
        progress.aux(aux);
    }

    private Map<Digest, Blob> pushLayers(Plan plan, List<Digest> diffIds, ProgressWriter progress) throws IOException, InterruptedException {
        Map<Digest, Blob> blobs = new java.util.concurrent.ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(concurrency);
        List<Future<?>> tasks = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Digest diffId : diffIds) {
                tasks.add(executor.submit(() -> {
                    if (!slots.tryAcquire()) {
                        progress.status(diffId.shortHex(), "Waiting");
                        slots.acquire();
                    }
                    try {
                        blobs.put(diffId, pushLayer(plan, diffId, progress));
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                try {
                    task.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IOException(e.getCause());
                }
            }
        }
        return blobs;
    }

    private Blob pushLayer(Plan plan, Digest diffId, ProgressWriter progress) throws IOException, InterruptedException {
        String id = diffId.shortHex();
        String domain = plan.repository().domain();
        String path = plan.repository().path();
        RegistryClient client = plan.client();
        List<BlobMemory.Known> known = memory.lookup(diffId, domain);
        for (BlobMemory.Known k : known) {
            if (k.repository().equals(path) && client.blobExists(k.digest())) {
                progress.status(id, "Layer already exists");
                return new Blob(k.digest(), k.size());
            }
        }
        for (BlobMemory.Known k : known) {
            if (!k.repository().equals(path) && client.mount(k.digest(), k.repository())) {
                memory.remember(diffId, new BlobMemory.Known(domain, path, k.digest(), k.size()));
                progress.status(id, "Mounted from " + k.repository());
                return new Blob(k.digest(), k.size());
            }
        }
        Path compressed = Files.createTempFile(workDir, "push-", ".tar.gz");
        try {
            Blob blob = gzip(diffId, compressed);
            if (client.blobExists(blob.digest())) {
                progress.status(id, "Layer already exists");
            } else {
                client.upload(blob.digest(), blob.size(), () -> open(compressed), sent -> report(progress, id, sent, blob.size()));
                progress.status(id, "Pushed");
            }
            memory.remember(diffId, new BlobMemory.Known(domain, path, blob.digest(), blob.size()));
            return blob;
        } finally {
            Files.deleteIfExists(compressed);
        }
    }

    /** The layer's tar gzipped into {@code file}; the same tar always gives the same bytes, so a blob is found again. */
    private Blob gzip(Digest diffId, Path file) throws IOException {
        MessageDigest sha = Digest.sha256();
        try (InputStream in = store.openLayer(diffId);
             OutputStream out = new GZIPOutputStream(new DigestOutputStream(
                     new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha), 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_SPEED); // layers are mostly binaries: level 1 gets most of the gain, far faster
                 }
             }) {
            in.transferTo(out);
        }
        return new Blob(new Digest(HexFormat.of().formatHex(sha.digest())), Files.size(file));
    }

    private byte[] manifest(Digest configDigest, long configSize, List<Blob> layers) throws IOException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Manifest.DOCKER_V2);
        manifest.put("config", descriptor(Manifest.DOCKER_CONFIG, configSize, configDigest));
        manifest.put("layers", layers.stream().map(b -> descriptor(Manifest.DOCKER_LAYER_GZIP, b.size(), b.digest())).toList());
        return connections.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    }

    private static Map<String, Object> descriptor(String mediaType, long size, Digest digest) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("size", size);
        descriptor.put("digest", digest.toString());
        return descriptor;
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void report(ProgressWriter progress, String id, long sent, long total) {
        try {
            progress.progress(id, "Pushing", sent, total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
