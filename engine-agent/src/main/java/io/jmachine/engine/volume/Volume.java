package io.jmachine.engine.volume;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A volume of the {@code local} driver: what is stored about it ({@code volume.json} beside its {@code _data}
 * folder) and where its data lives.
 *
 * @param mountpoint the {@code _data} folder containers mount; not stored, it follows from the data root
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Volume(
        @JsonProperty("Name") String name,
        @JsonProperty("Driver") String driver,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("Options") Map<String, String> options,
        @JsonProperty("CreatedAt") Instant createdAt,
        @JsonIgnore Path mountpoint) {

    public static final String LOCAL_DRIVER = "local";
    /** The label Docker (23+) puts on volumes it named itself; volume prune removes only these unless asked for all. */
    public static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

    public Volume {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public boolean isAnonymous() {
        return labels.containsKey(ANONYMOUS_LABEL);
    }

    Volume at(Path folder) {
        return new Volume(name, driver, labels, options, createdAt, folder);
    }
}
