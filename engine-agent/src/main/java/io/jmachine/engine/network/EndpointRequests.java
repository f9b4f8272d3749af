package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The networks each container asked for (--network, NetworkingConfig, network connect) with its aliases,
 * kept from create to remove: a stopped container has no attachment, yet starts on these networks again.
 */
final class EndpointRequests {

    private final Path dir;
    private final ObjectMapper mapper;

    EndpointRequests(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        this.mapper = mapper;
    }

    List<NetworkService.EndpointRequest> read(String containerId) {
        Path file = fileFor(containerId);
        try {
            return List.of(mapper.readValue(file.toFile(), NetworkService.EndpointRequest[].class));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new NetworkException("cannot read " + file + ": " + e.getMessage() + "; delete it and connect the container again", e);
        }
    }

    void write(String containerId, List<NetworkService.EndpointRequest> requests) {
        Path file = fileFor(containerId);
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file, mapper.writeValueAsBytes(requests.toArray(NetworkService.EndpointRequest[]::new)));
        } catch (IOException e) {
            throw new NetworkException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    void delete(String containerId) {
        try {
            Files.deleteIfExists(fileFor(containerId));
        } catch (IOException e) {
            throw new NetworkException("cannot delete " + fileFor(containerId) + ": " + e.getMessage(), e);
        }
    }

    private Path fileFor(String containerId) {
        if (containerId.isEmpty() || containerId.contains("/") || containerId.startsWith(".")) {
            throw new IllegalArgumentException("invalid container ID " + containerId);
        }
        return dir.resolve(containerId + ".json");
    }
}
