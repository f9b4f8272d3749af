package io.jmachine.engine.ports;

import io.jmachine.engine.linux.AtomicFiles;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The ports each running container has open, one file per container under the exec root. The listeners
 * live in the engine's process and die with it; after a crash this tells a new engine which ports to open
 * again (the same host ports, also those the kernel chose), and a reboot, which empties the exec root,
 * forgets them with the containers.
 */
final class PublishedPortStore {

    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");
    private static final TypeReference<List<PublishedPort>> LIST = new TypeReference<>() {};

    private final Path dir;
    private final ObjectMapper mapper;

    PublishedPortStore(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        this.mapper = mapper;
    }

    void write(String containerId, List<PublishedPort> ports) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file(containerId), mapper.writeValueAsBytes(ports));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the published ports of container " + containerId + " in " + dir, e);
        }
    }

    Optional<List<PublishedPort>> read(String containerId) {
        try {
            return Optional.of(List.copyOf(mapper.readValue(Files.readAllBytes(file(containerId)), LIST)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the published ports of container " + containerId + " from " + dir, e);
        }
    }

    void delete(String containerId) {
        try {
            Files.deleteIfExists(file(containerId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the published ports of container " + containerId + " in " + dir, e);
        }
    }

    /** The containers with a record. */
    List<String> containerIds() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".json"))
                    .map(name -> name.substring(0, name.length() - ".json".length()))
                    .filter(id -> CONTAINER_ID.matcher(id).matches())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the published port records in " + dir, e);
        }
    }

    private Path file(String containerId) {
        if (!CONTAINER_ID.matcher(containerId).matches()) {
            throw new IllegalArgumentException("not a container ID: " + containerId);
        }
        return dir.resolve(containerId + ".json");
    }
}
