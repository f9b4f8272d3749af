package io.jmachine.engine.build;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.linux.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Build steps already done: cache key to the image the step made. Kept in one JSON index file (written
 * atomically) so the cache survives an engine restart; an entry whose image was removed since is a miss.
 */
public final class LayerCache {

    private static final Logger LOG = LoggerFactory.getLogger(LayerCache.class);

    private final Path index;
    private final ObjectMapper json;
    private final Predicate<Digest> imageExists;
    private final Map<String, String> entries = new TreeMap<>();

    public LayerCache(Path index, ObjectMapper json, Predicate<Digest> imageExists) {
        this.index = index;
        this.json = json;
        this.imageExists = imageExists;
        try {
            Files.createDirectories(index.getParent());
            if (Files.exists(index)) {
                entries.putAll(json.readValue(index.toFile(), new TypeReference<Map<String, String>>() { }));
            }
        } catch (IOException e) {
            // a damaged index only costs rebuilds: start it afresh rather than refuse to build
            LOG.warn("ignoring the unreadable build cache index {}: {}", index, e.getMessage());
        }
    }

    public synchronized Optional<Digest> find(CacheKey key) {
        String id = entries.get(key.hex());
        if (id == null) {
            return Optional.empty();
        }
        Digest image = Digest.parse(id);
        return imageExists.test(image) ? Optional.of(image) : Optional.empty();
    }

    /** Forgets the entries {@code prune} picks (by key and image); returns their keys. */
    public synchronized List<String> removeIf(BiPredicate<String, Digest> prune) {
        List<String> removed = new ArrayList<>();
        entries.entrySet().removeIf(entry -> {
            boolean gone = prune.test(entry.getKey(), Digest.parse(entry.getValue()));
            if (gone) {
                removed.add(entry.getKey());
            }
            return gone;
        });
        if (!removed.isEmpty()) {
            write();
        }
        return removed;
    }

    public synchronized void put(CacheKey key, Digest image) {
        entries.put(key.hex(), image.toString());
        // entries of removed images go when the index is next written
        entries.values().removeIf(id -> !imageExists.test(Digest.parse(id)));
        write();
    }

    private void write() {
        try {
            AtomicFiles.write(index, json.writeValueAsBytes(entries));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build cache index " + index, e);
        }
    }
}
