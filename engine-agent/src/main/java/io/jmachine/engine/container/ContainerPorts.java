package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

/**
 * What the container side needs of published ports (-p, -P): host ports that open before the container's
 * process starts and close when it ends.
 */
public interface ContainerPorts {

    /** Refuses (400) port bindings and exposed ports that could never be published; called at create. */
    void validate(ContainerConfig config, HostConfig hostConfig);

    /**
     * Opens the container's host ports toward its address on its network, all or none. Throws an
     * EngineException naming the port when one is taken, with nothing left open.
     */
    void publish(ContainerRecord record);

    /**
     * network connect or disconnect of a running container: its host ports (the same numbers) now forward to its new
     * way out; they close when it has none left and open again when it gets one back, as dockerd's follow its
     * gateway endpoint.
     */
    void moved(ContainerRecord record);

    /** After an engine restart, for a container still running: opens the host ports it had again. */
    void restore(ContainerRecord record);

    /** Closes the container's host ports. Idempotent. */
    void unpublish(String containerId);
}
