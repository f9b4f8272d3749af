package io.jmachine.engine.container;

import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageUsage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The container side's view of the image package; also tells the image side which containers use an image. */
public final class StoreImageAccess implements ImageAccess {

    private final ImageService images;

    public StoreImageAccess(ImageService images) {
        this.images = images;
    }

    @Override
    public ResolvedImage resolve(String reference) {
        Image image = images.resolve(reference);
        ImageConfig.RunConfig run = image.config().config() == null ? ImageConfig.RunConfig.EMPTY : image.config().config();
        return new ResolvedImage(image.id().toString(), new ImageDefaults(run.env(), run.cmd(), run.entrypoint(), run.workingDir(),
                run.user(), run.labelsOrEmpty(), run.stopSignal(), run.exposedPorts(), run.volumes(), run.healthcheck()));
    }

    @Override
    public Path mountRootfs(String containerId, String imageId) {
        try {
            return images.mountRootfs(containerId, Digest.parse(imageId)).merged();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mount the root filesystem of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void unmountRootfs(String containerId) {
        try {
            images.unmountRootfs(containerId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unmount the root filesystem of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeRootfs(String containerId) {
        try {
            images.removeRootfs(containerId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the root filesystem of container " + containerId + ": " + e.getMessage(), e);
        }
    }

    /** rmi and prune ask this: the containers made from an image, and whether they run. */
    public static ImageUsage usageOf(ContainerStore store) {
        return imageId -> {
            String id = imageId.toString();
            return store.all().stream().filter(c -> c.image().equals(id))
                    .map(c -> new ImageUsage.ContainerUse(c.id(), c.state().isAlive())).toList();
        };
    }

}
