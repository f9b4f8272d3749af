package io.jmachine.engine.image;

import io.jmachine.engine.archive.Compression;
import io.jmachine.engine.fs.Folder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.archive.TarWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Images on this engine: import, tag, resolve, commit, removal, and the overlay root file systems of
 * containers. Layout under the data root: {@code image/content} (layer tars by diff ID), {@code image/imagedb}
 * (configs by image ID), {@code image/repositories.json} (tags), {@code overlay2} (unpacked layers, the
 * {@code l/} links and {@code containers/<id>} root file systems). Changes are serialized by one lock.
 */
public final class ImageService {

    private final ObjectMapper json;
    private final ContentStore content;
    private final ImageStore images;
    private final ReferenceStore references;
    private final LayerStore layers;
    private final LayerTars tars;
    private final RootfsStore rootfs;
    private final Path temp;
    private final ReentrantLock lock = new ReentrantLock();
    private final ImageCommits commits = new ImageCommits(this);

    private ImageService(ObjectMapper json, Path dataRoot) {
        this.json = json;
        this.content = new ContentStore(dataRoot.resolve("image/content"));
        this.images = new ImageStore(dataRoot.resolve("image/imagedb"), json);
        this.references = new ReferenceStore(dataRoot.resolve("image/repositories.json"), json);
        this.layers = new LayerStore(dataRoot.resolve("overlay2"), json);
        this.tars = new LayerTars(content, layers);
        this.rootfs = new RootfsStore(layers);
        this.temp = dataRoot.resolve("image/tmp");
        try {
            Folder.deleteTree(temp);
            Files.createDirectories(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + temp, e);
        }
    }

    /** Opens (creating if needed) the image stores under {@code dataRoot}, cleaning what a crash left half made. */
    public static ImageService open(Path dataRoot) {
        return new ImageService(JsonMapper.builder().build(), dataRoot);
    }

    // ---- lookup ----

    /** A tag, digest reference, full ID or unique ID prefix to its image; 404 "No such image: X" otherwise. */
    public Image resolve(String nameOrId) {
        return find(nameOrId).orElseThrow(() -> EngineException.notFound("No such image: " + nameOrId));
    }

    public Optional<Image> find(String nameOrId) {
        if (nameOrId == null || nameOrId.isEmpty()) {
            return Optional.empty();
        }
        if (Digest.isDigest(nameOrId)) {
            return images.get(Digest.parse(nameOrId));
        }
        if (!nameOrId.matches("[0-9a-f]{64}")) {
            try {
                Optional<Image> byReference = references.get(ImageReference.parse(nameOrId)).flatMap(images::get);
                if (byReference.isPresent()) {
                    return byReference;
                }
            } catch (EngineException notAReference) {
                // maybe an ID prefix with characters a name may not have; tried next
            }
        }
        String hex = nameOrId.startsWith(Digest.PREFIX) ? nameOrId.substring(Digest.PREFIX.length()) : nameOrId;
        return hex.matches("[0-9a-f]{1,64}") ? images.searchPrefix(hex) : Optional.empty();
    }

    /** The image's tags and digest references, in familiar form, sorted. */
    public List<String> repoTags(Digest imageId) {
        return references.referencesTo(imageId).stream().filter(r -> r.tag() != null).map(ImageReference::familiar).sorted().toList();
    }

    public List<Image> all() {
        return images.all();
    }

    // ---- import, tag ----

    /**
     * {@code docker import}: a root file system tar (plain or gzip/bzip2) becomes a one-layer image, tagged
     * {@code repo[:tag]} when repo is given. {@code message} defaults to "Imported from -".
     */
    public Image importImage(InputStream tar, String repo, String tag, List<String> changes, String message) throws IOException {
        return commits.importImage(tar, repo, tag, changes, message);
    }

    /** {@code docker commit}: the container's upper folder becomes a layer of a new image. */
    public Image commit(CommitRequest request) throws IOException {
        return commits.commit(request);
    }

    /** A build step that changes only the config (ENV, LABEL, CMD…). */
    public Image commitConfig(Digest parentId, ImageConfig.RunConfig runConfig, String createdBy) throws IOException {
        return commits.commitConfig(parentId, runConfig, createdBy);
    }

    /** A build step served by a {@code --cache-from} image, restored as dockerd restores it. */
    public Image restoreCachedStep(Digest parentId, Image source, int index, ImageConfig.RunConfig runConfig) throws IOException {
        return commits.restoreCachedStep(parentId, source, index, runConfig);
    }

    /** {@code docker tag}: points {@code repo[:tag]} at the image {@code source} names. */
    public void tag(String source, String repo, String tag) throws IOException {
        if (repo == null || repo.isEmpty()) {
            throw EngineException.invalid("repository name must have at least one component");
        }
        lock.lock();
        try {
            Image image = resolve(source);
            references.put(ImageReference.ofRepoAndTag(repo, tag), image.id());
        } finally {
            lock.unlock();
        }
    }


    /** A store change, run under the lock. */
    @FunctionalInterface
    interface Change<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code change} under the lock; if it fails (a full disk, a bad layer), the blobs and layers it stored
     * that no image uses are deleted again, so a failed import, commit or load gives its space back.
     */
    <T> T changeOrUndo(Change<T> change) throws IOException {
        lock.lock();
        try {
            return change.run();
        } catch (IOException | RuntimeException e) {
            try {
                collectGarbage();
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        } finally {
            lock.unlock();
        }
    }

    // ---- removal ----

    /** {@code docker rmi}, with Docker's conflict rules; {@code prune} also removes untagged parents left unused. */
    public List<DeleteResponse> remove(String name, boolean force, boolean prune, ImageUsage usage) throws IOException {
        lock.lock();
        try {
            return new ImageRemoval(this, usage).remove(name, force, prune);
        } finally {
            lock.unlock();
        }
    }

    /** {@code docker image prune}: dangling images (all unused ones with dangling=false) no container uses. */
    public PruneReport prune(ImageFilters filters, ImageUsage usage) throws IOException {
        lock.lock();
        try {
            return new ImageRemoval(this, usage).prune(filters);
        } finally {
            lock.unlock();
        }
    }

    // ---- save, load ----

    /** Resolves what {@code docker save} names, so that a missing image is a 404 before the tar begins. */
    public ImageSaver.Plan planSave(List<String> names) {
        return new ImageSaver(this).plan(names);
    }

    public void save(ImageSaver.Plan plan, OutputStream out) throws IOException {
        new ImageSaver(this).write(plan, out);
    }

    /** {@code docker load}: a docker-save tar, a plain OCI layout tar or the legacy form; returns docker's lines ("Loaded image: x:y"). */
    public List<String> load(InputStream tar) throws IOException {
        try {
            return changeOrUndo(() -> new ImageLoader(this).load(tar));
        } finally {
            // the loader's unpacked archive, however it ended: loads are serialized, so nothing else works in there
            emptyTempDir();
        }
    }

    // ---- container root file systems ----

    /** Creates (first time) and mounts the overlay root of a container; mounted already is fine. */
    public ContainerRootfs mountRootfs(String containerId, Digest imageId) throws IOException {
        lock.lock();
        try {
            // once made, a root keeps the layers it was made of, even if its image is gone since
            Image forNewRoot = rootfs.find(containerId).isPresent() ? null : resolve(imageId.toString());
            return rootfs.mount(containerId, forNewRoot);
        } finally {
            lock.unlock();
        }
    }

    /** Unmounts the container's root (nothing mounted is fine); its changes stay. */
    public void unmountRootfs(String containerId) throws IOException {
        rootfs.unmount(containerId);
    }

    /** Unmounts and deletes the container's root and changes; fine when absent or half made. Frees layers only it kept. */
    public void removeRootfs(String containerId) throws IOException {
        lock.lock();
        try {
            rootfs.remove(containerId);
            collectGarbage();
        } finally {
            lock.unlock();
        }
    }

    public Optional<ContainerRootfs> rootfs(String containerId) throws IOException {
        return rootfs.find(containerId);
    }

    /** Inspect's GraphDriver.Data of a container (see {@link RootfsStore#graphDriverData}). */
    public Map<String, String> containerGraphDriverData(String containerId, String imageId) {
        return rootfs.graphDriverData(containerId, find(imageId));
    }

    /**
     * {@code docker diff}: the container's changes to its image ({@code Path}, {@code Kind} 0 modified, 1 added,
     * 2 deleted), or null for a container that never ran (no changes folder yet), as dockerd answers.
     */
    public List<ContainerChanges.Change> changes(String containerId) throws IOException {
        Optional<ContainerRootfs> container = rootfs.find(containerId);
        if (container.isEmpty() || !Files.isDirectory(container.get().upper())) {
            return null;
        }
        return ContainerChanges.of(container.get().upper(), rootfs.lowerDirs(containerId));
    }

    public boolean isRootfsMounted(String containerId) throws IOException {
        return rootfs.isMounted(containerId);
    }

    /** {@code docker export}: the container's whole file system as a tar, mounting it for the while if needed. */
    public void exportRootfs(String containerId, OutputStream out) throws IOException {
        ContainerRootfs container = rootfs.find(containerId).orElseThrow(() -> RootfsStore.noRootfs(containerId));
        boolean mountedHere = !rootfs.isMounted(containerId);
        if (mountedHere) {
            mountRootfs(containerId, container.imageId());
        }
        try {
            TarWriter writer = new TarWriter(out, TarWriter.Markers.AS_IS);
            writer.writeContents(container.merged());
            writer.finish();
        } finally {
            if (mountedHere) {
                rootfs.unmount(containerId);
            }
        }
    }

    /** What registry pulls and pushes use to add and read images. */
    public ImageDistribution distribution() {
        return new ImageDistribution(this);
    }

    // ---- for the package's helpers ----

    ReentrantLock lock() {
        return lock;
    }

    ObjectMapper json() {
        return json;
    }

    ContentStore content() {
        return content;
    }

    ImageStore images() {
        return images;
    }

    ReferenceStore references() {
        return references;
    }

    RootfsStore rootfsStore() {
        return rootfs;
    }

    LayerStore layers() {
        return layers;
    }

    LayerTars tars() {
        return tars;
    }

    /** Docker's LayersSize: the bytes of every stored layer, each counted once however many images share it. */
    public long layersSize() throws IOException {
        long size = 0;
        for (Layer layer : layers.all()) {
            size += layer.size();
        }
        return size;
    }

    Path tempDir() throws IOException {
        return Files.createTempDirectory(temp, "work-");
    }

    private void emptyTempDir() {
        try (var entries = Files.list(temp)) {
            entries.forEach(ImageService::deleteQuietly);
        } catch (IOException ignored) {
            // emptied at the next start
        }
    }

    /** Adds a layer tar (plain or compressed) on top of {@code parent}; its tar is kept as a record to rebuild it from. */
    Layer addLayer(InputStream tar, Layer parent) throws IOException {
        Digest diffId = content.put(Compression.plainOrRefused(tar), null);
        Layer layer = layers.register(diffId, parent, () -> tars.open(diffId));
        tars.settle(layer);
        return layer;
    }

    Layer topLayer(Image image) {
        List<Digest> chain = image.chainIds();
        return chain.isEmpty() ? null : layers.require(chain.getLast());
    }

    long size(Image image) {
        long size = 0;
        for (Digest chainId : image.chainIds()) {
            size += layers.get(chainId).map(Layer::size).orElse(0L);
        }
        return size;
    }

    /** Drops layers no image or container stands on, and layer blobs no image lists; returns removed chain IDs. */
    List<Digest> collectGarbage() throws IOException {
        Set<Digest> chains = new HashSet<>(rootfs.layersInUse());
        Set<Digest> blobs = new HashSet<>();
        for (Image image : images.all()) {
            chains.addAll(image.chainIds());
            blobs.addAll(image.config().diffIds());
        }
        content.retainOnly(blobs);
        return layers.retainOnly(chains);
    }

    static String goArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    static void deleteQuietly(Path dir) {
        try {
            Folder.deleteTree(dir);
        } catch (IOException ignored) {
            // the temp folder is emptied at the next start
        }
    }
}
