package io.jmachine.engine.network;

import io.jmachine.engine.linux.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The networks, one JSON file each under the data root, read once and kept in memory. */
final class NetworkStore {

    private final Path dir;
    private final ObjectMapper mapper;
    private final Map<String, NetworkRecord> byId = new ConcurrentHashMap<>();

    NetworkStore(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        // the records' times as RFC 3339 text, whatever the caller's mapper was set up for
        this.mapper = mapper.copy().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        load();
    }

    private void load() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                NetworkRecord record = mapper.readValue(file.toFile(), NetworkRecord.class);
                byId.put(record.id(), record);
            }
        } catch (NoSuchFileException e) {
            // a fresh data root
        } catch (IOException e) {
            throw new NetworkException("cannot read the networks in " + dir + ": " + e.getMessage()
                    + "; move the unreadable file away to start without that network", e);
        }
    }

    Collection<NetworkRecord> all() {
        List<NetworkRecord> all = new ArrayList<>(byId.values());
        all.sort(java.util.Comparator.comparing(NetworkRecord::created).thenComparing(NetworkRecord::name));
        return all;
    }

    NetworkRecord byId(String id) {
        return byId.get(id);
    }

    void save(NetworkRecord record) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(record.id() + ".json"), mapper.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new NetworkException("cannot write network " + record.name() + " to " + dir + ": " + e.getMessage(), e);
        }
        byId.put(record.id(), record);
    }

    void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new NetworkException("cannot delete network " + id + " from " + dir + ": " + e.getMessage(), e);
        }
        byId.remove(id);
    }
}
