package io.jmachine.engine.build;

import io.jmachine.engine.image.Image;

/** Where FROM (and COPY --from=image) images come from: this engine's images, later also a registry pull. */
public interface BaseImages {

    /**
     * The image {@code reference} names, fetched first when that is possible and needed; progress goes to
     * {@code output}. Throws {@link BuildException} with Docker's wording when there is none.
     */
    Image resolve(String reference, BuildOutput output);
}
