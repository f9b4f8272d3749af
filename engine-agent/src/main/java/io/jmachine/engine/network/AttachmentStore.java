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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One durable record per container with a network, written before anything is made on the host and
 * completed after each step, so that detach (and a sweep after a crash) knows what to undo: which mode,
 * which namespace, and per endpoint the CNI chain ADD ran and its result, which DEL wants back. Records
 * are cached, since the embedded DNS reads them for every query.
 */
final class AttachmentStore {

    /**
     * One endpoint as stored; {@code cniResult} is null until the bridge's ADD has succeeded, and
     * {@code cniConfig} null only in records of engines before user networks (the default bridge's chain).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StoredEndpoint(NetworkAttachment.Endpoint endpoint, JsonNode cniConfig, JsonNode cniResult) {
    }

    /** The stored form; legacy fields ({@code ipAddress}… {@code cniResult}) are those of single-network records. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stored(String containerId, String mode, String netns, List<StoredEndpoint> endpoints, List<String> dnsServers,
                  String ipAddress, int prefixLength, String gateway, String macAddress, String bridgeName, JsonNode cniResult) {

        Stored {
            if (endpoints == null) {
                // a record of an engine before user networks: its one endpoint was eth0 on the default bridge
                endpoints = cniResult == null && bridgeName == null ? List.of()
                        : List.of(new StoredEndpoint(new NetworkAttachment.Endpoint(null, NetworkMode.DEFAULT_BRIDGE, null,
                        BridgeNetwork.CONTAINER_INTERFACE, ipAddress, prefixLength, gateway, macAddress, bridgeName, List.of()),
                        null, cniResult));
            }
            endpoints = List.copyOf(endpoints);
            dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
        }

        static Stored of(String containerId, NetworkMode mode, Path netns, List<StoredEndpoint> endpoints, List<String> dnsServers) {
            return new Stored(containerId, mode.name(), netns == null ? null : netns.toString(), endpoints, dnsServers,
                    null, 0, null, null, null, null);
        }

        static Stored of(NetworkAttachment attachment) {
            return of(attachment.containerId(), attachment.mode(), attachment.netnsPath(),
                    attachment.endpoints().stream().map(e -> new StoredEndpoint(e, null, null)).toList(), attachment.dnsServers());
        }

        NetworkAttachment attachment() {
            return new NetworkAttachment(containerId, modeOf(mode), netns == null ? null : Path.of(netns),
                    endpoints.stream().map(StoredEndpoint::endpoint).filter(e -> e.ipAddress() != null).toList(), dnsServers);
        }

        Stored withEndpoints(List<StoredEndpoint> newEndpoints) {
            return new Stored(containerId, mode, netns, newEndpoints, dnsServers, null, 0, null, null, null, null);
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
    private final Map<String, Stored> cache = new ConcurrentHashMap<>();
    private volatile boolean loaded;

    AttachmentStore(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        this.mapper = mapper;
    }

    Path directory() {
        return dir;
    }

    void write(Stored stored) {
        Path file = fileFor(stored.containerId());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file, mapper.writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new NetworkException("cannot write " + file + ": " + e.getMessage(), e);
        }
        cache.put(stored.containerId(), stored);
    }

    Optional<Stored> read(String containerId) {
        loadOnce();
        return Optional.ofNullable(cache.get(containerId));
    }

    void delete(String containerId) {
        Path file = fileFor(containerId);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new NetworkException("cannot delete " + file + ": " + e.getMessage(), e);
        }
        cache.remove(containerId);
    }

    List<String> containerIds() {
        loadOnce();
        List<String> ids = new ArrayList<>(cache.keySet());
        ids.sort(null);
        return ids;
    }

    /** Every record, for the embedded DNS and for network inspect. */
    List<Stored> all() {
        loadOnce();
        return List.copyOf(cache.values());
    }

    private synchronized void loadOnce() {
        if (loaded) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - ".json".length());
                if (!cache.containsKey(id)) {
                    cache.put(id, readFile(file));
                }
            }
        } catch (NoSuchFileException e) {
            // nothing attached yet
        } catch (IOException e) {
            throw new NetworkException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        loaded = true;
    }

    private Stored readFile(Path file) {
        try {
            return mapper.readValue(file.toFile(), Stored.class);
        } catch (IOException e) {
            // torn beyond reading (should not happen with atomic writes): treat as unknown state, not as absent
            throw new NetworkException("cannot read " + file + ": " + e.getMessage() + "; delete it to forget this attachment", e);
        }
    }

    private Path fileFor(String containerId) {
        if (containerId.isEmpty() || containerId.contains("/") || containerId.startsWith(".")) {
            throw new IllegalArgumentException("invalid container ID " + containerId);
        }
        return dir.resolve(containerId + ".json");
    }
}
