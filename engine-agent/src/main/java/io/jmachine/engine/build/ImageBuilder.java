package io.jmachine.engine.build;

import io.jmachine.engine.fs.Folder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.container.ContainerFiles;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.ImageReference;
import io.jmachine.engine.image.ImageService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker build} with the legacy builder: a context and a Dockerfile in, an image (tagged as asked)
 * out, and dockerd's progress messages on the way. State under the data root: {@code build/cache.json} (the
 * layer cache) and {@code build/tmp} (unpacked contexts, emptied at start).
 */
public final class ImageBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBuilder.class);

    /** A request whose context is unpacked and whose Dockerfile parsed: what can fail as a plain HTTP error did. */
    public record Prepared(BuildRequest request, BuildContext context, Dockerfile dockerfile, List<ImageReference> tags)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            context.close();
        }
    }

    private final ImageService images;
    private final BaseImages bases;
    private final LayerCache cache;
    private final LayerSteps layers;
    private final RunStep runs;
    private final Path temp;

    public ImageBuilder(ImageService images, ContainerService containers, BaseImages bases, Path dataRoot, ObjectMapper json) {
        this.images = images;
        this.bases = bases;
        this.cache = new LayerCache(dataRoot.resolve("build/cache.json"), json, id -> images.find(id.toString()).isPresent());
        this.layers = new LayerSteps(images);
        this.runs = new RunStep(containers, new ContainerFiles(containers, images));
        this.temp = dataRoot.resolve("build/tmp");
        try {
            Folder.deleteTree(temp);
            Files.createDirectories(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + temp, e);
        }
    }

    /** What {@code POST /build/prune} removed: the cache entries (by key) and the bytes that freed. */
    public record CachePruneReport(List<String> cachesDeleted, long spaceReclaimed) {}

    /**
     * {@code POST /build/prune}: forgets the layer cache's entries, those whose image is older than {@code until} (null:
     * all) and whose key begins with {@code idPrefix} (null: any); later builds run those steps again. No bytes are
     * freed: the steps' images stay, as dockerd keeps its legacy builds' images (docker image prune removes them).
     */
    public CachePruneReport pruneCache(java.time.Duration until, String idPrefix) {
        java.time.Instant cutoff = until == null ? null : java.time.Instant.now().minus(until);
        List<String> removed = cache.removeIf((key, image) -> (idPrefix == null || key.startsWith(idPrefix))
                && (cutoff == null || images.find(image.toString()).map(found -> created(found).isBefore(cutoff)).orElse(true)));
        return new CachePruneReport(removed, 0);
    }

    private static java.time.Instant created(io.jmachine.engine.image.Image image) {
        String created = image.config().created();
        return created == null ? java.time.Instant.EPOCH : java.time.OffsetDateTime.parse(created).toInstant();
    }

    /** Checks the tags, unpacks the context and parses the Dockerfile; 400 for what the client got wrong. */
    public Prepared prepare(BuildRequest request, InputStream contextTar) throws IOException {
        List<ImageReference> tags = new ArrayList<>();
        for (String tag : request.tags()) {
            try {
                ImageReference reference = ImageReference.parse(tag);
                tags.add(reference.tag() == null && reference.digest() == null ? reference.withTag("latest") : reference);
            } catch (EngineException e) {
                throw EngineException.invalid("invalid reference format: " + tag + " (" + e.getMessage() + ")");
            }
        }
        BuildContext context = BuildContext.unpack(contextTar, temp, request.dockerfile());
        try {
            Dockerfile dockerfile = DockerfileParser.parse(context.dockerfile());
            dockerfile.stagesUpTo(request.target());
            return new Prepared(request, context, dockerfile, tags);
        } catch (BuildException e) {
            context.close();
            throw EngineException.invalid(e.getMessage());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Builds; a failure is reported in the output (Docker's errorDetail), not thrown. Returns the image, or null. */
    public Digest build(Prepared prepared, BuildOutput output) {
        try {
            Digest image = new DockerfileBuild(images, bases, cache, layers, runs, prepared.context(), prepared.dockerfile(),
                    prepared.request(), output).run();
            output.aux(image.toString());
            output.stream("Successfully built " + image.shortHex() + "\n");
            for (ImageReference tag : prepared.tags()) {
                images.tag(image.toString(), tag.name(), tag.tag());
                output.stream("Successfully tagged " + tag.familiar() + "\n");
            }
            output.quietResult(image.toString());
            return image;
        } catch (BuildException e) {
            output.error(e.getMessage(), e.code());
        } catch (EngineException e) {
            output.error(e.getMessage(), 0);
        } catch (IOException | RuntimeException e) {
            LOG.warn("build failed", e);
            output.error("the build failed: " + e.getMessage(), 0);
        }
        return null;
    }
}
