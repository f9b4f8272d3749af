package io.jmachine.engine.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Map;

/** One line of `docker events`: a thing (container, image, network, volume) and what happened to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EngineEvent(
        @JsonProperty("Type") String type,
        @JsonProperty("Action") String action,
        @JsonProperty("Actor") Actor actor,
        @JsonProperty("scope") String scope,
        @JsonProperty("time") long time,
        @JsonProperty("timeNano") long timeNano,
        // the pre-1.22 fields that older clients still read for containers and images
        @JsonProperty("status") String status,
        @JsonProperty("id") String id,
        @JsonProperty("from") String from) {

    public record Actor(@JsonProperty("ID") String id, @JsonProperty("Attributes") Map<String, String> attributes) {}

    public static EngineEvent of(String type, String action, String id, Map<String, String> attributes, Instant at) {
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        boolean container = type.equals("container");
        // dockerd fills the deprecated status and id for containers and images, from for containers
        boolean legacy = container || type.equals("image");
        return new EngineEvent(type, action, new Actor(id, Map.copyOf(attributes)), "local", at.getEpochSecond(), nanos,
                legacy ? action : null, legacy ? id : null, container ? attributes.get("image") : null);
    }
}
