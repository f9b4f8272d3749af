package io.jmachine.engine.volume;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.linux.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Volumes on disk in Docker's layout, {@code <root>/<name>/_data}, each with its {@code volume.json}. The JSON
 * is written after the folder and deleted before it, so a folder without one is a crash's leftover.
 */
final class VolumeStore {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeStore.class);
    private static final String RECORD = "volume.json";
    private static final String DATA = "_data";

    private final Path root;
    private final ObjectMapper json;
    private final Map<String, Volume> byName = new ConcurrentHashMap<>();

    VolumeStore(Path root, ObjectMapper json) {
        this.root = root;
        this.json = json;
    }

    /** Reads the stored volumes; folders a crash left without a record are deleted. */
    void load() {
        try {
            Files.createDirectories(root);
            // the volumes hold users' data: others may pass through to a mount but not list them (Docker's 0701)
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx-----x"));
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
                for (Path dir : dirs) {
                    Path file = dir.resolve(RECORD);
                    if (!Files.isRegularFile(file)) {
                        LOG.warn("removing {}: a volume folder without {} (left by a crash during create or remove)", dir, RECORD);
                        Folder.deleteTree(dir);
                        continue;
                    }
                    try {
                        Volume volume = json.readValue(file.toFile(), Volume.class).at(dir.resolve(DATA));
                        byName.put(volume.name(), volume);
                    } catch (IOException e) {
                        LOG.error("cannot read volume record {}: {}; the volume is left out until it is fixed", file, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the volume store " + root + ": " + e.getMessage(), e);
        }
    }

    Optional<Volume> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Collection<Volume> all() {
        return List.copyOf(byName.values());
    }

    /** Makes the volume's folder, then records it. */
    Volume add(Volume volume) throws IOException {
        Path dir = root.resolve(volume.name());
        Path data = dir.resolve(DATA);
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Volume stored = volume.at(data);
        AtomicFiles.write(dir.resolve(RECORD), json.writeValueAsBytes(stored));
        byName.put(stored.name(), stored);
        return stored;
    }

    /** Forgets the volume, then deletes its folder and data. */
    void delete(String name) throws IOException {
        Path dir = root.resolve(name);
        byName.remove(name);
        Files.deleteIfExists(dir.resolve(RECORD));
        Folder.deleteTree(dir);
    }
}
