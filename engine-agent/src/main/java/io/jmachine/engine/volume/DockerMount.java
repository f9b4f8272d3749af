package io.jmachine.engine.volume;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** One entry of HostConfig.Mounts as the API sends it (the CLI's --mount), field names as Docker's mount.Mount. */
@JsonIgnoreProperties(ignoreUnknown = true)
record DockerMount(
        @JsonProperty("Type") String type,
        @JsonProperty("Source") String source,
        @JsonProperty("Target") String target,
        @JsonProperty("ReadOnly") boolean readOnly,
        @JsonProperty("Consistency") String consistency,
        @JsonProperty("BindOptions") BindOptions bindOptions,
        @JsonProperty("VolumeOptions") VolumeOptions volumeOptions,
        @JsonProperty("TmpfsOptions") TmpfsOptions tmpfsOptions) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record BindOptions(@JsonProperty("Propagation") String propagation, @JsonProperty("NonRecursive") boolean nonRecursive,
                       @JsonProperty("CreateMountpoint") boolean createMountpoint) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record VolumeOptions(@JsonProperty("NoCopy") boolean noCopy, @JsonProperty("Labels") Map<String, String> labels,
                         @JsonProperty("DriverConfig") DriverConfig driverConfig, @JsonProperty("Subpath") String subpath) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DriverConfig(@JsonProperty("Name") String name, @JsonProperty("Options") Map<String, String> options) {}

    /** @param mode file mode bits, as the API's uint32 (the CLI parses tmpfs-mode as octal) */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TmpfsOptions(@JsonProperty("SizeBytes") long sizeBytes, @JsonProperty("Mode") int mode,
                        @JsonProperty("Options") List<List<String>> options) {}
}
