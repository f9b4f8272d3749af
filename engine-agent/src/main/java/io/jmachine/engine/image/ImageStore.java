package io.jmachine.engine.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Image configs by image ID, kept as blobs (the stored bytes are what the ID is the digest of) and parsed
 * once into memory when the engine starts.
 */
public final class ImageStore {

    private final ContentStore configs;
    private final ObjectMapper json;
    private final Map<Digest, Image> images = new ConcurrentHashMap<>();

    public ImageStore(Path root, ObjectMapper json) {
        this.configs = new ContentStore(root);
        this.json = json;
        try (Stream<Path> files = Files.list(root.resolve("blobs/sha256"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Digest id = new Digest(file.getFileName().toString());
                byte[] raw = Files.readAllBytes(file);
                images.put(id, new Image(id, json.readValue(raw, ImageConfig.class), raw.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image configs under " + root, e);
        }
    }

    /** Stores a config as is; its digest is the image's ID. A config that is not an image config is a 400. */
    public Image put(byte[] rawConfig) throws IOException {
        ImageConfig config;
        try {
            config = json.readValue(rawConfig, ImageConfig.class);
        } catch (IOException e) {
            throw EngineException.invalid("invalid image config: " + e.getMessage());
        }
        Digest id = configs.put(rawConfig, null);
        Image image = new Image(id, config, rawConfig.length);
        images.put(id, image);
        return image;
    }

    /** Writes a new config the way docker does (compact JSON) and stores it. */
    public Image put(ImageConfig config) throws IOException {
        return put(json.writeValueAsBytes(config));
    }

    public Optional<Image> get(Digest id) {
        return Optional.ofNullable(images.get(id));
    }

    public byte[] rawConfig(Digest id) throws IOException {
        return configs.read(id);
    }

    public List<Image> all() {
        return List.copyOf(images.values());
    }

    /** The image whose ID starts with {@code hexPrefix}; 400 when several do. */
    public Optional<Image> searchPrefix(String hexPrefix) {
        List<Image> found = new ArrayList<>();
        for (Image image : images.values()) {
            if (image.id().hex().startsWith(hexPrefix)) {
                found.add(image);
            }
        }
        if (found.size() > 1) {
            throw EngineException.invalid("multiple IDs found with provided prefix: " + hexPrefix);
        }
        return found.stream().findFirst();
    }

    /** Images committed from {@code id}. */
    public List<Image> children(Digest id) {
        return images.values().stream().filter(i -> id.equals(i.parent())).toList();
    }

    public void delete(Digest id) throws IOException {
        images.remove(id);
        Files.deleteIfExists(configs.path(id));
    }
}
