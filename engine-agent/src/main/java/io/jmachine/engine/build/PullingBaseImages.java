package io.jmachine.engine.build;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.registry.ProgressWriter;
import io.jmachine.engine.registry.RegistryCredentials;
import io.jmachine.engine.registry.RegistryService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Base images from this engine's store, pulled from their registry first when missing, as dockerd's builder does;
 * the pull's progress goes into the build's output. Pulls are anonymous: the legacy builder's per-registry
 * credentials (X-Registry-Config) are not read yet, so a private base needs a `docker pull` first.
 */
public final class PullingBaseImages implements BaseImages {

    private final ImageService images;
    private final RegistryService registry;
    private final LocalBaseImages local;

    public PullingBaseImages(ImageService images, RegistryService registry) {
        this.images = images;
        this.registry = registry;
        this.local = new LocalBaseImages(images);
    }

    @Override
    public Image resolve(String reference, BuildOutput output) {
        Optional<Image> present = images.find(reference);
        if (present.isPresent()) {
            return present.get();
        }
        try {
            RegistryService.PreparedPull pull = registry.preparePull(reference, null, null, RegistryCredentials.ANONYMOUS);
            registry.pull(pull, new ProgressWriter(line -> output.progress(asMessage(line))));
        } catch (EngineException | IOException | UncheckedIOException e) {
            throw new BuildException("pull access denied for " + reference + ", repository does not exist or may require "
                    + "'docker login': " + e.getMessage(), e);
        }
        return local.resolve(reference, output);
    }

    @SuppressWarnings("unchecked") // ProgressWriter's lines are the JSON objects it built as maps
    private static Map<String, Object> asMessage(Object line) {
        return (Map<String, Object>) line;
    }
}
