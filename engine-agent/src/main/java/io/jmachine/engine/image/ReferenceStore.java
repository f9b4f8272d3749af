package io.jmachine.engine.image;

import io.jmachine.engine.linux.AtomicFiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Tags (and digest references) to image IDs, in one JSON file rewritten atomically on each change, keyed by
 * the full normalized reference ("docker.io/library/busybox:latest"). Callers serialize changes.
 */
public final class ReferenceStore {

    record State(@JsonProperty("References") TreeMap<String, Digest> references,
                 @JsonProperty("LastTagTime") TreeMap<String, String> lastTagTime) {
        State {
            references = references == null ? new TreeMap<>() : references;
            lastTagTime = lastTagTime == null ? new TreeMap<>() : lastTagTime;
        }
    }

    private final Path file;
    private final ObjectMapper json;
    private final State state;

    public ReferenceStore(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
        try {
            this.state = Files.exists(file) ? json.readValue(file.toFile(), State.class) : new State(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image references " + file + "; fix or remove it", e);
        }
    }

    public Optional<Digest> get(ImageReference reference) {
        return Optional.ofNullable(state.references().get(reference.toString()));
    }

    public void put(ImageReference reference, Digest imageId) throws IOException {
        state.references().put(reference.toString(), imageId);
        state.lastTagTime().put(imageId.toString(), Instant.now().toString());
        save();
    }

    public boolean remove(ImageReference reference) throws IOException {
        boolean removed = state.references().remove(reference.toString()) != null;
        if (removed) {
            save();
        }
        return removed;
    }

    /** The references to an image, sorted lexically by their full form. */
    public List<ImageReference> referencesTo(Digest imageId) {
        List<ImageReference> references = new ArrayList<>();
        for (Map.Entry<String, Digest> entry : state.references().entrySet()) {
            if (entry.getValue().equals(imageId)) {
                references.add(ImageReference.parseName(entry.getKey(), true));
            }
        }
        return references;
    }

    /** The tagged references of one repository ("docker.io/library/busybox"). */
    public List<ImageReference> tagsOf(String repositoryName) {
        List<ImageReference> tags = new ArrayList<>();
        for (String key : state.references().keySet()) {
            ImageReference reference = ImageReference.parseName(key, true);
            if (reference.name().equals(repositoryName) && reference.tag() != null) {
                tags.add(reference);
            }
        }
        return tags;
    }

    public Map<String, Digest> all() {
        return Map.copyOf(state.references());
    }

    public String lastTagTime(Digest imageId) {
        return state.lastTagTime().get(imageId.toString());
    }

    public void forget(Digest imageId) throws IOException {
        if (state.lastTagTime().remove(imageId.toString()) != null) {
            save();
        }
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
    }
}
