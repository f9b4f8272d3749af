package io.jmachine.engine.image;

import java.util.List;

/**
 * A stored image: its ID (the sha256 of its config JSON) and that config.
 *
 * @param configSize the config's size in bytes, as a descriptor needs it
 */
public record Image(Digest id, ImageConfig config, long configSize) {

    /** The chain IDs of its layers, bottom first: the layer store's keys. */
    public List<Digest> chainIds() {
        return Digest.chainIds(config.diffIds());
    }

    /** The image it was committed from (Docker's local "parent"), or null. */
    public Digest parent() {
        String parent = config.parent();
        return parent == null || parent.isEmpty() ? null : Digest.parse(parent);
    }
}
