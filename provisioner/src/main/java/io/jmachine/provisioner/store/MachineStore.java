package io.jmachine.provisioner.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.drivers.FileTrees;
import io.jmachine.drivers.MachineContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The machines folder of a store: machines/NAME/machine.json (atomic, versioned, no secrets) and beside it
 * the machine's own files (SSH key, certificates, known_hosts, driver artefacts). Secrets of drivers go
 * to secrets.json, readable by the owner only.
 */
public final class MachineStore {

    public static final String CONFIG_FILE = "machine.json";
    public static final String SECRETS_FILE = "secrets.json";

    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // a newer jmachine may add fields; this one keeps working with what it knows
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final StoreLocation location;

    public MachineStore(StoreLocation location) {
        this.location = location;
    }

    public StoreLocation location() {
        return location;
    }

    public Path machineDir(String name) {
        return location.machines().resolve(MachineName.check(name));
    }

    public MachineContext context(String name) {
        return new MachineContext(name, machineDir(name), location.root());
    }

    /** A machine exists once its folder does, even if its machine.json is missing or broken (so that rm can clean it). */
    public boolean exists(String name) {
        return Files.isDirectory(machineDir(name));
    }

    /** Names of all machines, sorted. */
    public List<String> names() {
        if (!Files.isDirectory(location.machines())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(location.machines())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the machines in " + location.machines(), e);
        }
    }

    public MachineConfig load(String name) {
        Path file = machineDir(name).resolve(CONFIG_FILE);
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            if (exists(name)) {
                throw new StoreException("machine " + name + " has no " + CONFIG_FILE + " (a create that was interrupted?); "
                        + "remove it with `jmachine rm -f " + name + "`");
            }
            throw new StoreException("machine " + name + " does not exist");
        } catch (JsonProcessingException e) {
            throw new StoreException(file + " is not valid JSON (" + e.getOriginalMessage() + "); fix it, or remove the machine "
                    + "with `jmachine rm -f " + name + "`");
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int version = tree.path("ConfigVersion").asInt(0);
        if (version == 0) {
            throw new StoreException(file + " has no ConfigVersion: it was not written by jmachine");
        }
        if (version > MachineConfig.CURRENT_VERSION) {
            throw new StoreException(file + " has format version " + version + ", newer than this jmachine understands ("
                    + MachineConfig.CURRENT_VERSION + "); upgrade jmachine");
        }
        try {
            return JSON.treeToValue(migrate((ObjectNode) tree, version), MachineConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new StoreException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The place where each older format is brought to the current one, one version at a time. */
    private static ObjectNode migrate(ObjectNode tree, int version) {
        // version 1 is the first format: nothing to migrate yet
        return tree;
    }

    public void save(MachineConfig config) {
        if (config.configVersion() != MachineConfig.CURRENT_VERSION) {
            throw new IllegalArgumentException("machine configs are saved in format " + MachineConfig.CURRENT_VERSION);
        }
        Path file = machineDir(config.name()).resolve(CONFIG_FILE);
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(config), AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public void saveSecrets(String name, Map<String, String> secrets) {
        Path file = machineDir(name).resolve(SECRETS_FILE);
        try {
            if (secrets.isEmpty()) {
                Files.deleteIfExists(file);
            } else {
                AtomicFiles.write(file, JSON.writeValueAsBytes(new TreeMap<>(secrets)), AtomicFiles.OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public Map<String, String> loadSecrets(String name) {
        Path file = machineDir(name).resolve(SECRETS_FILE);
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return JSON.readValue(Files.readAllBytes(file), new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the machine's folder with everything in it; a machine that is already gone is no error. */
    public void remove(String name) {
        Path dir = machineDir(name);
        if (!Files.exists(dir)) {
            return;
        }
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new StoreException("cannot delete " + dir + ": " + e.getMessage() + "; delete it by hand", e);
        }
    }
}
