package io.jmachine.engine.network;

import io.jmachine.engine.linux.AtomicFiles;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One durable record per container with a network, written before anything is made on the host and
 * completed after, so that detach (and a sweep after a crash) knows what to undo: which mode, which
 * namespace, and the CNI result DEL wants as {@code prevResult}.
 */
final class AttachmentStore {

    /** The stored form; {@code cniResult} is null until the bridge's ADD has succeeded. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stored(String containerId, String mode, String netns, String ipAddress, int prefixLength, String gateway,
                  String macAddress, String bridgeName, JsonNode cniResult) {

        static Stored of(NetworkAttachment attachment, JsonNode cniResult) {
            return new Stored(attachment.containerId(), attachment.mode().name(),
                    attachment.netnsPath() == null ? null : attachment.netnsPath().toString(), attachment.ipAddress(),
                    attachment.prefixLength(), attachment.gateway(), attachment.macAddress(), attachment.bridgeName(), cniResult);
        }

        NetworkAttachment attachment() {
            return new NetworkAttachment(containerId, modeOf(mode), netns == null ? null : Path.of(netns), ipAddress,
                    prefixLength, gateway, macAddress, bridgeName);
        }

        private static NetworkMode modeOf(String name) {
            return switch (name) {
                case "none" -> new NetworkMode.None();
                case "host" -> new NetworkMode.Host();
                default -> new NetworkMode.Bridge(name);
            };
        }
    }

    private final Path dir;
    private final ObjectMapper mapper;

    AttachmentStore(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        this.mapper = mapper;
    }

    void write(Stored stored) {
        Path file = fileFor(stored.containerId());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file, mapper.writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new NetworkException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    Optional<Stored> read(String containerId) {
        Path file = fileFor(containerId);
        try {
            return Optional.of(mapper.readValue(file.toFile(), Stored.class));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            // torn beyond reading (should not happen with atomic writes): treat as unknown state, not as absent
            throw new NetworkException("cannot read " + file + ": " + e.getMessage() + "; delete it to forget this attachment", e);
        }
    }

    void delete(String containerId) {
        Path file = fileFor(containerId);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new NetworkException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    List<String> containerIds() {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                ids.add(name.substring(0, name.length() - ".json".length()));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new NetworkException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        ids.sort(null);
        return ids;
    }

    private Path fileFor(String containerId) {
        if (containerId.isEmpty() || containerId.contains("/") || containerId.startsWith(".")) {
            throw new IllegalArgumentException("invalid container ID " + containerId);
        }
        return dir.resolve(containerId + ".json");
    }
}
