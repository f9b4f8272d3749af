package io.jmachine.engine.image;

import java.util.List;

/**
 * Which containers use an image, asked by image removal and prune (Docker's conflict rules depend on it).
 * The container side implements it; the image side never looks at containers itself.
 */
@FunctionalInterface
public interface ImageUsage {

    /** A container whose image is the one asked about. */
    record ContainerUse(String containerId, boolean running) {}

    /** The containers created from {@code imageId} (running or not); empty when none. */
    List<ContainerUse> containersUsing(Digest imageId);

    /** For an engine without containers (and tests): nothing uses any image. */
    ImageUsage NONE = imageId -> List.of();
}
