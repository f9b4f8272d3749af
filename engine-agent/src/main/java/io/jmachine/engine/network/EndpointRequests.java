package io.jmachine.engine.network;

import io.jmachine.engine.linux.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks each container asked for (--network, NetworkingConfig, network connect) with its aliases,
 * kept from create to remove: a stopped container has no attachment, yet starts on these networks again.
 */
public final class EndpointRequests {

    private final Path dir;
    private final NetworkRegistry registry;
    private final ObjectMapper mapper;

    EndpointRequests(Path dir, NetworkRegistry registry, ObjectMapper mapper) {
        this.dir = dir;
        this.registry = registry;
        this.mapper = mapper;
    }

    /**
     * Remembers the networks a container asked for at create (checking that they exist: Docker's 404), so
     * that each start attaches it to them again.
     */
    public void request(String containerId, List<EndpointRequest> endpoints) {
        List<EndpointRequest> resolved = new ArrayList<>();
        for (EndpointRequest endpoint : endpoints) {
            NetworkRecord network = registry.resolve(endpoint.network());
            EndpointAddresses.validate(network, endpoint.config());
            // by ID: a name may later be shared by a second network (made without CheckDuplicate)
            resolved.add(new EndpointRequest(network.id(), endpoint.config()));
        }
        write(containerId, resolved);
    }

    /** Adds a bridge network to a (stopped or running) container's requests; the live endpoint is NetworkService.connect's. */
    public void add(String containerId, EndpointRequest request) {
        NetworkRecord network = registry.resolve(request.network());
        if (!network.bridged()) {
            throw EngineException.invalid("container cannot be connected to network " + network.name()
                    + ": a container joins host or none only as its network mode");
        }
        EndpointAddresses.validate(network, request.config());
        List<EndpointRequest> current = new ArrayList<>(read(containerId));
        current.removeIf(r -> sameNetwork(r, network));
        current.add(new EndpointRequest(network.id(), request.config()));
        write(containerId, current);
    }

    /** Removes a network from the container's requests; false if it had not asked for it. */
    public boolean remove(String containerId, String networkIdOrName) {
        NetworkRecord network = registry.resolve(networkIdOrName);
        List<EndpointRequest> current = new ArrayList<>(read(containerId));
        boolean removed = current.removeIf(r -> sameNetwork(r, network));
        write(containerId, current);
        return removed;
    }

    /** The container is removed: its requests go (its attachment must be detached already). */
    public void forget(String containerId) {
        try {
            Files.deleteIfExists(fileFor(containerId));
        } catch (IOException e) {
            throw new NetworkException("cannot delete " + fileFor(containerId) + ": " + e.getMessage(), e);
        }
    }

    private boolean sameNetwork(EndpointRequest request, NetworkRecord network) {
        return request.network().equals(network.name()) || request.network().equals(network.id())
                || registry.find(request.network()).map(n -> n.id().equals(network.id())).orElse(false);
    }

    /** Replaces what the container asked for on a network it has asked for (dockerd adds names to the aliases at start). */
    public void update(String containerId, EndpointRequest request) {
        NetworkRecord network = registry.resolve(request.network());
        List<EndpointRequest> current = new ArrayList<>(read(containerId));
        current.replaceAll(r -> sameNetwork(r, network) ? request : r);
        write(containerId, current);
    }

    /** The networks the container asked for, in order, with their aliases. */
    public List<EndpointRequest> read(String containerId) {
        Path file = fileFor(containerId);
        try {
            return List.of(mapper.readValue(file.toFile(), EndpointRequest[].class));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new NetworkException("cannot read " + file + ": " + e.getMessage() + "; delete it and connect the container again", e);
        }
    }

    private void write(String containerId, List<EndpointRequest> requests) {
        Path file = fileFor(containerId);
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file, mapper.writeValueAsBytes(requests.toArray(EndpointRequest[]::new)));
        } catch (IOException e) {
            throw new NetworkException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private Path fileFor(String containerId) {
        if (containerId.isEmpty() || containerId.contains("/") || containerId.startsWith(".")) {
            throw new IllegalArgumentException("invalid container ID " + containerId);
        }
        return dir.resolve(containerId + ".json");
    }
}
