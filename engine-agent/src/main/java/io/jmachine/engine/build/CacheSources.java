package io.jmachine.engine.build;

import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;
import io.jmachine.engine.image.ImageService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --cache-from} as dockerd's legacy builder takes it (image/cache.ImageCache): once sources are named, a
 * local cache entry serves a step only when its image is one the sources stand on, and a source serves a step when
 * its history goes on from the step's parent with the step's history line; the step's image is then restored from
 * the source's layer. Names that resolve to no image are skipped, so {@code --cache-from nosuch} uses no cache at all.
 */
final class CacheSources {

    private static final Logger LOG = LoggerFactory.getLogger(CacheSources.class);

    private final ImageService images;
    private List<Image> sources;

    private CacheSources(ImageService images, List<Image> sources) {
        this.images = images;
        this.sources = sources;
    }

    static CacheSources of(ImageService images, List<String> names) {
        List<Image> sources = new ArrayList<>();
        for (String name : names) {
            Optional<Image> image = images.find(name);
            if (image.isPresent()) {
                sources.add(image.get());
            } else {
                LOG.warn("could not look up {} for cache resolution, skipping", name);
            }
        }
        return new CacheSources(images, sources);
    }

    /** Whether a local cache entry may serve: its image is a source or one a source descends from. */
    boolean vouchesFor(Digest cached) {
        for (Image source : sources) {
            Set<String> seen = new HashSet<>();
            for (Image at = source; at != null && seen.add(at.id().toString()); at = parentOf(at)) {
                if (at.id().equals(cached)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Image parentOf(Image image) {
        String parent = image.config().parent();
        return parent == null || parent.isEmpty() ? null : images.find(parent).orElse(null);
    }

    /**
     * The image of a step whose history line is {@code createdBy} on {@code parentId} (null: scratch), served by a
     * source: the source itself when the step is its last, else restored from it with {@code config}.
     */
    Optional<Digest> match(Digest parentId, String createdBy, ImageConfig.RunConfig config) throws IOException {
        ImageConfig parent = parentId == null ? null : images.resolve(parentId.toString()).config();
        int index = parent == null ? 0 : parent.history().size();
        for (Image target : sources) {
            List<ImageConfig.History> history = target.config().history();
            if (!standsOn(target.config(), parent) || !createdBy.equals(history.get(index).createdBy())) {
                continue;
            }
            if (index == history.size() - 1) {
                return Optional.of(target.id());
            }
            sources = List.of(target); // as dockerd: never jump to another source half way
            return Optional.of(images.restoreCachedStep(parentId, target, index, config).id());
        }
        return Optional.empty();
    }

    /** dockerd's isValidParent: the parent's history and layers begin the target's, and the target has more history. */
    private static boolean standsOn(ImageConfig target, ImageConfig parent) {
        if (target.history().isEmpty()) {
            return false;
        }
        if (parent == null || parent.history().isEmpty() && parent.diffIds().isEmpty()) {
            return true;
        }
        return parent.history().size() < target.history().size() && parent.diffIds().size() <= target.diffIds().size()
                && parent.history().equals(target.history().subList(0, parent.history().size()))
                && parent.diffIds().equals(target.diffIds().subList(0, parent.diffIds().size()));
    }
}
