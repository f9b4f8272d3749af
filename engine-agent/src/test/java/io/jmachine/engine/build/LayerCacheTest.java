package io.jmachine.engine.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.image.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LayerCacheTest {

    @TempDir
    Path dir;

    @Test
    void entriesSurviveAReopenAndRemovedImagesMiss() throws Exception {
        Set<Digest> existing = new HashSet<>();
        Digest image = Digest.of("image".getBytes());
        existing.add(image);
        Path index = dir.resolve("build/cache.json");
        CacheKey key = CacheKey.of(null, "ENV A=1", List.of());
        new LayerCache(index, new ObjectMapper(), existing::contains).put(key, image);

        LayerCache reopened = new LayerCache(index, new ObjectMapper(), existing::contains);
        assertEquals(Optional.of(image), reopened.find(key));
        assertEquals(Optional.empty(), reopened.find(CacheKey.of(null, "ENV A=2", List.of())));
        existing.remove(image);
        assertEquals(Optional.empty(), reopened.find(key), "the image was removed since");

        Files.writeString(index, "{not json");
        assertEquals(Optional.empty(), new LayerCache(index, new ObjectMapper(), existing::contains).find(key),
                "a damaged index costs rebuilds, not the engine");
    }
}
