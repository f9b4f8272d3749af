package io.jmachine.engine.image;

import java.nio.file.Path;

/**
 * A container's root file system: the overlay of its image's layers (and an init layer with the mount
 * points the runtime needs) under {@code upper}, seen whole at {@code merged}.
 *
 * @param merged where the overlay is mounted: the OCI bundle's root.path
 * @param upper  the container's own changes (overlay upperdir), what commit turns into a layer
 * @param work   overlay's workdir
 */
public record ContainerRootfs(String containerId, Digest imageId, Path merged, Path upper, Path work) {
}
