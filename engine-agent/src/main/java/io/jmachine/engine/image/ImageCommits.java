package io.jmachine.engine.image;

import io.jmachine.engine.EngineVersion;
import io.jmachine.engine.archive.TarWriter;
import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** New images made on this engine: import, commit, and the steps of a build, each under the image service's lock. */
final class ImageCommits {

    private final ImageService service;

    ImageCommits(ImageService service) {
        this.service = service;
    }

    /**
     * {@code docker import}: a root file system tar (plain or gzip/bzip2) becomes a one-layer image, tagged
     * {@code repo[:tag]} when repo is given. {@code message} defaults to "Imported from -".
     */
    Image importImage(InputStream tar, String repo, String tag, List<String> changes, String message) throws IOException {
        ImageReference reference = ImageReference.ofRepoAndTag(repo, tag);
        ImageConfig.RunConfig runConfig = ConfigChanges.apply(ImageConfig.RunConfig.EMPTY, changes == null ? List.of() : changes);
        String comment = message == null || message.isEmpty() ? "Imported from -" : message;
        return service.changeOrUndo(() -> {
            Layer layer = service.addLayer(tar, null);
            String created = Rfc3339.format(Instant.now());
            ImageConfig config = new ImageConfig(ImageService.goArch(), "linux", null, created, null, comment, null,
                    EngineVersion.DOCKER_COMPATIBLE, runConfig, new ImageConfig.RootFs("layers", List.of(layer.diffId())),
                    List.of(new ImageConfig.History(created, null, null, comment, null)));
            return addImage(config, reference);
        });
    }

    /** {@code docker commit}: the container's upper folder becomes a layer (whiteouts back in .wh. form) of a new image. */
    Image commit(CommitRequest request) throws IOException {
        ImageReference reference = ImageReference.ofRepoAndTag(request.repo(), request.tag());
        return service.changeOrUndo(() -> {
            ContainerRootfs container = service.rootfsStore().find(request.containerId()).orElseThrow(() -> RootfsStore.noRootfs(request.containerId()));
            Image parent = service.images().get(container.imageId()).orElseThrow(() -> EngineException.conflict("cannot commit container "
                    + request.containerId() + ": its image " + container.imageId() + " was removed"));
            Path tar = service.content().newTempFile();
            try (OutputStream out = Files.newOutputStream(tar); TarWriter writer = new TarWriter(out, TarWriter.Markers.OVERLAY_TO_OCI_WHITEOUTS)) {
                writer.writeContents(container.upper());
                writer.finish();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tar); // adopt deletes it otherwise
                throw e;
            }
            Digest diffId = service.content().adopt(tar);
            boolean empty = diffId.equals(Digest.EMPTY_TAR);
            if (!empty) {
                service.tars().settle(service.layers().register(diffId, service.topLayer(parent), () -> service.tars().open(diffId)));
            }
            ImageConfig.RunConfig base = request.containerConfig() != null ? request.containerConfig() : parent.config().config();
            String created = Rfc3339.format(Instant.now());
            ImageConfig config = parent.config()
                    .withParent(parent.id().toString())
                    .withConfig(ConfigChanges.apply(base, request.changes()))
                    .withLayer(diffId, new ImageConfig.History(created, request.createdBy(), emptyToNull(request.author()),
                            emptyToNull(request.comment()), empty ? Boolean.TRUE : null));
            return addImage(config, reference);
        });
    }

    /** Stores the config and points {@code reference} (when given) at it; an image that cannot be tagged is not kept. */
    private Image addImage(ImageConfig config, ImageReference reference) throws IOException {
        boolean existed = service.images().get(Digest.of(service.json().writeValueAsBytes(config))).isPresent();
        Image image = service.images().put(config);
        if (reference != null) {
            try {
                service.references().put(reference, image.id());
            } catch (IOException | RuntimeException e) {
                if (!existed) {
                    service.images().delete(image.id());
                }
                throw e;
            }
        }
        return image;
    }

    /**
     * A build step that changes only the config (ENV, LABEL, CMD…): a child of {@code parentId} with the same
     * layers and an empty-layer history entry; with no parent ({@code FROM scratch}), a first image without service.layers().
     */
    Image commitConfig(Digest parentId, ImageConfig.RunConfig runConfig, String createdBy) throws IOException {
        service.lock().lock();
        try {
            String created = Rfc3339.format(Instant.now());
            ImageConfig.History entry = new ImageConfig.History(created, createdBy, null, null, Boolean.TRUE);
            ImageConfig base = parentId == null
                    ? new ImageConfig(ImageService.goArch(), "linux", null, created, null, null, null, EngineVersion.DOCKER_COMPATIBLE,
                    runConfig, new ImageConfig.RootFs("layers", List.of()), List.of())
                    : service.resolve(parentId.toString()).config().withParent(parentId.toString());
            return service.images().put(base.withConfig(runConfig).withLayer(Digest.EMPTY_TAR, entry));
        } finally {
            service.lock().unlock();
        }
    }

    /**
     * A build step served by a {@code --cache-from} image, restored as dockerd restores it: the image {@code parentId}
     * (null: scratch) plus {@code source}'s history entry {@code index} and the layer that entry made (the source
     * stands on the same layers below it), with the step's config.
     */
    Image restoreCachedStep(Digest parentId, Image source, int index, ImageConfig.RunConfig runConfig) throws IOException {
        service.lock().lock();
        try {
            ImageConfig.History entry = source.config().history().get(index);
            Image parent = parentId == null ? null : service.resolve(parentId.toString());
            Digest diffId = Digest.EMPTY_TAR;
            if (!entry.isEmptyLayer()) {
                long layersBefore = source.config().history().subList(0, index).stream().filter(h -> !h.isEmptyLayer()).count();
                diffId = source.config().diffIds().get((int) layersBefore);
                Digest layer = diffId;
                service.tars().settle(service.layers().register(layer, parent == null ? null : service.topLayer(parent), () -> service.tars().open(layer)));
            }
            ImageConfig base = parent == null
                    ? new ImageConfig(source.config().architecture(), source.config().os(), null, entry.created(), null, null, null,
                    EngineVersion.DOCKER_COMPATIBLE, runConfig, new ImageConfig.RootFs("layers", List.of()), List.of())
                    : parent.config().withParent(parentId.toString());
            return service.images().put(base.withConfig(runConfig).withLayer(diffId, entry));
        } finally {
            service.lock().unlock();
        }
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
