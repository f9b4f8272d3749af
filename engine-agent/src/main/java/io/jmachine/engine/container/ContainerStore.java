package io.jmachine.engine.container;

import io.jmachine.engine.fs.Folder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Container records on disk ({@code <data-root>/containers/<id>/container.json}, written atomically) and
 * in memory, with Docker's lookup rules: full ID, unique ID prefix, or name.
 */
public final class ContainerStore {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerStore.class);
    private static final String RECORD = "container.json";

    private final Path root;
    private final ObjectMapper json;
    private final Map<String, ContainerRecord> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public ContainerStore(Path root, ObjectMapper json) {
        this.root = root;
        this.json = json;
    }

    /** Reads every stored record; a record that cannot be read is logged and left on disk for inspection. */
    public void load() {
        try {
            Files.createDirectories(root);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
                for (Path dir : dirs) {
                    Path file = dir.resolve(RECORD);
                    if (!Files.isRegularFile(file)) {
                        continue;
                    }
                    try {
                        ContainerRecord record = json.readValue(file.toFile(), ContainerRecord.class);
                        byId.put(record.id(), record);
                    } catch (IOException e) {
                        LOG.error("cannot read container record {}: {}", file, e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the container store " + root, e);
        }
    }

    /** A fresh 64-hex ID that no stored container has. */
    public String newId() {
        byte[] bytes = new byte[32];
        String id;
        do {
            random.nextBytes(bytes);
            id = HexFormat.of().formatHex(bytes);
        } while (byId.containsKey(id) || id.substring(0, 12).chars().allMatch(Character::isDigit));
        return id;
    }

    public Path folder(String id) {
        return root.resolve(id);
    }

    public void save(ContainerRecord record) {
        Path dir = folder(record.id());
        try {
            Files.createDirectories(dir);
            io.jmachine.engine.linux.AtomicFiles.write(dir.resolve(RECORD), json.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save container " + record.id() + " in " + dir, e);
        }
        byId.put(record.id(), record);
    }

    /** Forgets the container: its record goes first, so that a crash before its folder is gone does not bring it back. */
    public void deleteRecord(String id) {
        try {
            Files.deleteIfExists(folder(id).resolve(RECORD));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the record of container " + id, e);
        }
        byId.remove(id);
    }

    /** Folders whose record is gone: removals a crash interrupted. */
    public List<String> orphanFolders() {
        List<String> orphans = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir) && !Files.exists(dir.resolve(RECORD)) && !Files.exists(dir.resolve(RECORD + ".tmp"))) {
                    orphans.add(dir.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the container store " + root, e);
        }
        return orphans;
    }

    /** Deletes what is left of a removed container's folder (its log, /etc files). */
    public void deleteFolder(String id) {
        Path dir = folder(id);
        try {
            Folder.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the folder of container " + id + " (" + dir + ")", e);
        }
    }

    public Collection<ContainerRecord> all() {
        return List.copyOf(byId.values());
    }

    public ContainerRecord byId(String id) {
        return byId.get(id);
    }

    /** Docker's lookup: exact ID, then exact name, then a unique ID prefix; 404 "No such container: X" otherwise. */
    public ContainerRecord resolve(String idOrName) {
        ContainerRecord found = find(idOrName);
        if (found == null) {
            throw EngineException.notFound("No such container: " + idOrName);
        }
        return found;
    }

    public ContainerRecord find(String idOrName) {
        if (idOrName == null || idOrName.isEmpty()) {
            return null;
        }
        ContainerRecord exact = byId.get(idOrName);
        if (exact != null) {
            return exact;
        }
        String name = idOrName.startsWith("/") ? idOrName.substring(1) : idOrName;
        for (ContainerRecord record : byId.values()) {
            if (record.name().equals(name)) {
                return record;
            }
        }
        List<ContainerRecord> prefixed = new ArrayList<>();
        for (ContainerRecord record : byId.values()) {
            if (record.id().startsWith(idOrName)) {
                prefixed.add(record);
            }
        }
        if (prefixed.size() > 1) {
            throw EngineException.invalid("multiple containers found with provided prefix: " + idOrName);
        }
        return prefixed.isEmpty() ? null : prefixed.get(0);
    }

    public ContainerRecord byName(String name) {
        for (ContainerRecord record : byId.values()) {
            if (record.name().equals(name)) {
                return record;
            }
        }
        return null;
    }
}
