package io.jmachine.engine.network;

import java.util.Optional;

/** The container names the network side needs (DNS, network inspect), asked of the container store when needed so renames show. */
@FunctionalInterface
public interface ContainerDirectory {

    /** The container's name without Docker's leading slash; empty if there is no such container. */
    Optional<String> nameOf(String containerId);
}
