package io.jmachine.engine.image;

import java.util.List;

/**
 * What {@code docker commit} asks: the container's changes become a layer on top of its image.
 *
 * @param containerId     the container whose root file system ({@link ImageService#mountRootfs}) is committed
 * @param repo            repository to tag the new image in (may carry ":tag"), or null/empty for none
 * @param tag             tag, or null/empty ("latest" when repo is given)
 * @param author          the author field, or null
 * @param comment         the commit message, or null
 * @param changes         Dockerfile-like changes applied to the config (CMD, ENV…)
 * @param containerConfig the container's own config in image form (its Cmd, Env…), which docker commit keeps;
 *                        null keeps the image's
 * @param createdBy       the history's created_by: the container's command joined with spaces
 */
public record CommitRequest(String containerId, String repo, String tag, String author, String comment,
                            List<String> changes, ImageConfig.RunConfig containerConfig, String createdBy) {
    public CommitRequest {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }
}
