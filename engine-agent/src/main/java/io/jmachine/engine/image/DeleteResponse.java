package io.jmachine.engine.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One line of what docker rmi prints: "Untagged: x:y" or "Deleted: sha256:…". */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeleteResponse(@JsonProperty("Untagged") String untagged, @JsonProperty("Deleted") String deleted) {

    static DeleteResponse untagged(ImageReference reference) {
        return new DeleteResponse(reference.familiar(), null);
    }

    static DeleteResponse deleted(Digest digest) {
        return new DeleteResponse(null, digest.toString());
    }
}
