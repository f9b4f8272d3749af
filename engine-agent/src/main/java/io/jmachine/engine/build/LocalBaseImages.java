package io.jmachine.engine.build;

import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageReference;
import io.jmachine.engine.image.ImageService;

/** Base images from this engine's store only: until a registry client is wired, a missing image fails the build. */
public final class LocalBaseImages implements BaseImages {

    private final ImageService images;

    public LocalBaseImages(ImageService images) {
        this.images = images;
    }

    @Override
    public Image resolve(String reference, BuildOutput output) {
        return images.find(reference).orElseThrow(() -> {
            String repository;
            try {
                repository = ImageReference.parse(reference).familiarName();
            } catch (RuntimeException invalid) {
                return new BuildException("invalid reference format: " + reference);
            }
            return new BuildException("pull access denied for " + repository + ", repository does not exist or may require "
                    + "'docker login': No such image: " + reference + " (this engine does not pull yet: docker load or import it)");
        });
    }
}
