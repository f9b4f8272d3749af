package io.jmachine.engine.build;

import io.jmachine.engine.image.CommitRequest;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageUsage;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Steps that change files without running anything (COPY, ADD, WORKDIR): a scratch root file system is
 * made on the parent image, changed, committed as one layer and removed, as a container's would be.
 */
final class LayerSteps {

    @FunctionalInterface
    interface RootAction<T> {
        T apply(Path root) throws IOException;
    }

    private final ImageService images;
    private final SecureRandom random = new SecureRandom();

    LayerSteps(ImageService images) {
        this.images = images;
    }

    /** Changes the parent's files (none for scratch) with {@code change} and commits them with {@code config}. */
    Image commitFiles(Digest parent, ImageConfig.RunConfig config, String createdBy, RootAction<Void> change) throws IOException {
        Digest base = parent != null ? parent : images.commitConfig(null, ImageConfig.RunConfig.EMPTY, null).id();
        String id = scratchId();
        boolean committed = false;
        try {
            change.apply(images.mountRootfs(id, base).merged());
            Image image = images.commit(new CommitRequest(id, null, null, null, null, List.of(), config, createdBy));
            committed = true;
            return image;
        } finally {
            images.removeRootfs(id);
            if (!committed && parent == null) {
                // the empty base made for FROM scratch above is no step's image: a failed step leaves none
                images.remove(base.toString(), true, false, ImageUsage.NONE);
            }
        }
    }

    /** Mounts the image's files for {@code action} (e.g. COPY --from reading them), then lets them go. */
    <T> T read(Digest image, RootAction<T> action) throws IOException {
        String id = scratchId();
        try {
            return action.apply(images.mountRootfs(id, image).merged());
        } finally {
            images.removeRootfs(id);
        }
    }

    /** Root file systems are named like containers; the prefix tells a build's apart in the overlay folder. */
    private String scratchId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "build-" + HexFormat.of().formatHex(bytes);
    }
}
