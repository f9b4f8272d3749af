package io.jmachine.engine.container;

import io.jmachine.engine.volume.MountPoint;

import java.nio.file.Path;
import java.util.List;

/** What the container side needs of volumes: mounts resolved at create, prepared at start, freed at rm. */
public interface ContainerVolumes {

    /**
     * A new container's mounts from --volumes-from, -v, --mount and its Config.Volumes (image VOLUMEs and
     * {@code -v /path}), volumes made as needed and held for the container until {@link #created}.
     */
    List<MountPoint> plan(String containerId, ContainerConfig config, HostConfig hostConfig);

    /** The container's record is saved, or its creation failed: the holds of {@link #plan} end. */
    void created(String containerId);

    /**
     * Before a start, with the root filesystem mounted: missing -v host folders are made and volumes mounted for
     * the first time get the image's content; returns the mounts with that first time recorded.
     */
    List<MountPoint> prepare(List<MountPoint> mounts, Path rootfs);

    /** The container is gone; with {@code removeAnonymous} (rm -v, --rm) its anonymous volumes go unless others use them. */
    void removed(String containerId, List<MountPoint> mounts, boolean removeAnonymous);
}
