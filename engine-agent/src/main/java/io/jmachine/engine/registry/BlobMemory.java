package io.jmachine.engine.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.linux.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which compressed blob holds a layer in which registry repository, as dockerd's v2 metadata: the store keeps
 * layers uncompressed (by diff ID), so without this a push would compress and send every layer again, and could
 * not ask the registry to mount a blob another repository already has. Filled by pulls and pushes; one JSON
 * file rewritten atomically.
 */
final class BlobMemory {

    /** A layer's compressed form as one registry repository holds it. */
    record Known(@JsonProperty("registry") String registry, @JsonProperty("repository") String repository,
                 @JsonProperty("digest") Digest digest, @JsonProperty("size") long size) {
    }

    private static final int MAX_PER_LAYER = 32;

    private final Path file;
    private final ObjectMapper json;
    private final Map<String, List<Known>> byDiffId;

    BlobMemory(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
        try {
            this.byDiffId = Files.exists(file) ? json.readValue(file.toFile(), new TypeReference<TreeMap<String, List<Known>>>() { })
                    : new TreeMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + "; remove it (pushes then send every layer once more)", e);
        }
    }

    /** What is known of the layer on {@code registry}, the most recent first. */
    synchronized List<Known> lookup(Digest diffId, String registry) {
        return byDiffId.getOrDefault(diffId.toString(), List.of()).stream().filter(k -> k.registry().equals(registry)).toList();
    }

    synchronized void remember(Digest diffId, Known known) throws IOException {
        List<Known> entries = new ArrayList<>(byDiffId.getOrDefault(diffId.toString(), List.of()));
        if (!entries.isEmpty() && entries.getFirst().equals(known)) {
            return;
        }
        entries.remove(known);
        entries.addFirst(known);
        while (entries.size() > MAX_PER_LAYER) {
            entries.removeLast();
        }
        byDiffId.put(diffId.toString(), entries);
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, json.writeValueAsBytes(byDiffId));
    }
}
