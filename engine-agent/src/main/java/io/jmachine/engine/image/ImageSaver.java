package io.jmachine.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code docker save}: one tar carrying both layouts dockerd 25+ writes, so that both docker and OCI tools
 * read it: the OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256}) and Docker's
 * {@code manifest.json} and {@code repositories}, whose paths point into the same blobs. Layers are stored
 * uncompressed, so their blob digests are their diff IDs.
 */
public final class ImageSaver {

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";
    static final String NAME_ANNOTATION = "io.containerd.image.name";
    static final String REF_ANNOTATION = "org.opencontainers.image.ref.name";

    /** Images to save, each with the tags to record (none when named by ID). */
    public record Plan(Map<Digest, List<ImageReference>> images) {}

    private final ImageService service;

    ImageSaver(ImageService service) {
        this.service = service;
    }

    Plan plan(List<String> names) {
        if (names.isEmpty()) {
            throw EngineException.invalid("no images to save: name at least one");
        }
        Map<Digest, List<ImageReference>> images = new LinkedHashMap<>();
        for (String name : names) {
            ImageReference named = parseOrNull(name);
            if (named != null && named.tag() == null && named.digest() == null) {
                List<ImageReference> repositoryTags = service.references().tagsOf(named.name());
                if (!repositoryTags.isEmpty()) {
                    // a bare repository name saves all its tags
                    for (ImageReference tag : repositoryTags) {
                        addTag(images, service.resolve(tag.toString()).id(), tag);
                    }
                    continue;
                }
            }
            Image image = service.resolve(name);
            images.computeIfAbsent(image.id(), id -> new ArrayList<>());
            if (named != null && !ImageRemoval.isIdPrefix(image.id(), name)) {
                ImageReference reference = ImageReference.parse(name);
                if (reference.tag() != null) {
                    addTag(images, image.id(), reference);
                }
            }
        }
        return new Plan(images);
    }

    private static void addTag(Map<Digest, List<ImageReference>> images, Digest id, ImageReference tag) {
        List<ImageReference> tags = images.computeIfAbsent(id, i -> new ArrayList<>());
        if (!tags.contains(tag)) {
            tags.add(tag);
        }
    }

    private static ImageReference parseOrNull(String name) {
        try {
            return ImageReference.parseName(name, true);
        } catch (EngineException notAName) {
            return null;
        }
    }

    void write(Plan plan, OutputStream out) throws IOException {
        ObjectMapper json = service.json();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, TarConstants.DEFAULT_RCDSIZE, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        FileTime time = FileTime.from(Instant.EPOCH);
        directory(tar, "blobs/", time);
        directory(tar, "blobs/sha256/", time);

        Set<Digest> written = new HashSet<>();
        List<Map<String, Object>> indexEntries = new ArrayList<>();
        List<Map<String, Object>> dockerManifests = new ArrayList<>();
        Map<String, Map<String, String>> repositories = new TreeMap<>();
        for (Map.Entry<Digest, List<ImageReference>> entry : plan.images().entrySet()) {
            Image image = service.images().get(entry.getKey()).orElseThrow(() -> EngineException.notFound("No such image: " + entry.getKey()));
            byte[] config = service.images().rawConfig(image.id());
            blob(tar, image.id(), config, written, time);
            List<Map<String, Object>> layerDescriptors = new ArrayList<>();
            List<String> layerPaths = new ArrayList<>();
            for (Digest diffId : image.config().diffIds()) {
                long size = service.tars().size(diffId);
                if (written.add(diffId)) {
                    TarArchiveEntry layer = file("blobs/sha256/" + diffId.hex(), size, time);
                    tar.putArchiveEntry(layer);
                    try (InputStream in = service.tars().open(diffId)) {
                        in.transferTo(tar);
                    }
                    tar.closeArchiveEntry();
                }
                layerDescriptors.add(descriptor(LAYER_TYPE, diffId, size, null));
                layerPaths.add("blobs/sha256/" + diffId.hex());
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", MANIFEST_TYPE);
            manifest.put("config", descriptor(CONFIG_TYPE, image.id(), config.length, null));
            manifest.put("layers", layerDescriptors);
            byte[] manifestBytes = json.writeValueAsBytes(manifest);
            Digest manifestDigest = Digest.of(manifestBytes);
            blob(tar, manifestDigest, manifestBytes, written, time);

            List<String> repoTags = new ArrayList<>();
            for (ImageReference tag : entry.getValue()) {
                indexEntries.add(descriptor(MANIFEST_TYPE, manifestDigest, manifestBytes.length,
                        Map.of(NAME_ANNOTATION, tag.toString(), REF_ANNOTATION, tag.tag())));
                repoTags.add(tag.familiar());
                if (!layerPaths.isEmpty()) {
                    repositories.computeIfAbsent(tag.familiarName(), n -> new TreeMap<>()).put(tag.tag(), image.config().diffIds().getLast().hex());
                }
            }
            if (entry.getValue().isEmpty()) {
                indexEntries.add(descriptor(MANIFEST_TYPE, manifestDigest, manifestBytes.length, null));
            }
            Map<String, Object> dockerManifest = new LinkedHashMap<>();
            dockerManifest.put("Config", "blobs/sha256/" + image.id().hex());
            dockerManifest.put("RepoTags", repoTags.isEmpty() ? null : repoTags);
            dockerManifest.put("Layers", layerPaths);
            dockerManifests.add(dockerManifest);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_TYPE);
        index.put("manifests", indexEntries);
        small(tar, "index.json", json.writeValueAsBytes(index), time);
        small(tar, "manifest.json", json.writeValueAsBytes(dockerManifests), time);
        small(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8), time);
        if (!repositories.isEmpty()) {
            small(tar, "repositories", json.writeValueAsBytes(repositories), time);
        }
        tar.finish();
        tar.flush();
    }

    static Map<String, Object> descriptor(String mediaType, Digest digest, long size, Map<String, String> annotations) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest.toString());
        descriptor.put("size", size);
        if (annotations != null) {
            descriptor.put("annotations", new TreeMap<>(annotations));
        }
        return descriptor;
    }

    private static void blob(TarArchiveOutputStream tar, Digest digest, byte[] content, Set<Digest> written, FileTime time) throws IOException {
        if (written.add(digest)) {
            small(tar, "blobs/sha256/" + digest.hex(), content, time);
        }
    }

    private static void small(TarArchiveOutputStream tar, String name, byte[] content, FileTime time) throws IOException {
        tar.putArchiveEntry(file(name, content.length, time));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry file(String name, long size, FileTime time) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0100644);
        entry.setLastModifiedTime(time);
        return entry;
    }

    private static void directory(TarArchiveOutputStream tar, String name, FileTime time) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(040755);
        entry.setLastModifiedTime(time);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }
}
