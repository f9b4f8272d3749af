package io.jmachine.engine.image;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** What docker image prune prints: the untagged and deleted images and layers, and the bytes freed. */
public record PruneReport(@JsonProperty("ImagesDeleted") List<DeleteResponse> imagesDeleted,
                          @JsonProperty("SpaceReclaimed") long spaceReclaimed) {
}
