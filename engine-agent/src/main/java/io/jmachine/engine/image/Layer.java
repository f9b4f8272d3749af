package io.jmachine.engine.image;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One unpacked layer, shared by every image whose layer chain passes through it.
 *
 * @param chainId its key: the chain ID of this layer on top of its parents
 * @param diffId  the sha256 of its uncompressed tar
 * @param parent  the chain ID below it, or null for a bottom layer
 * @param size    the bytes of file content it unpacked to
 * @param link    the 26-character name of its {@code l/} link, as overlay lowerdir entries name it
 */
public record Layer(@JsonProperty("chainId") Digest chainId, @JsonProperty("diffId") Digest diffId,
                    @JsonProperty("parent") Digest parent, @JsonProperty("size") long size, @JsonProperty("link") String link) {
}
