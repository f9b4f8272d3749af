package io.jmachine.engine.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * An image's configuration, the JSON whose sha256 is the image ID (OCI image-spec config.md, with Docker's
 * extra fields parent, comment, container and docker_version). Unknown fields are ignored when read; the
 * stored bytes stay the truth, so a loaded image keeps its ID and everything in it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageConfig(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("os") String os,
        @JsonProperty("variant") String variant,
        @JsonProperty("created") String created,
        @JsonProperty("author") String author,
        @JsonProperty("comment") String comment,
        @JsonProperty("parent") String parent,
        @JsonProperty("docker_version") String dockerVersion,
        @JsonProperty("config") RunConfig config,
        @JsonProperty("rootfs") RootFs rootfs,
        @JsonProperty("history") List<History> history) {

    public ImageConfig {
        config = config == null ? RunConfig.EMPTY : config;
        rootfs = rootfs == null ? new RootFs("layers", List.of()) : rootfs;
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** The layers' diff IDs, bottom first. */
    public List<Digest> diffIds() {
        return rootfs.diffIds();
    }

    public ImageConfig withLayer(Digest diffId, History entry) {
        List<Digest> diffIds = new ArrayList<>(rootfs.diffIds());
        if (!entry.isEmptyLayer()) {
            diffIds.add(diffId);
        }
        List<History> entries = new ArrayList<>(history);
        entries.add(entry);
        return new ImageConfig(architecture, os, variant, entry.created(), entry.author(), entry.comment(), parent,
                dockerVersion, config, new RootFs("layers", diffIds), entries);
    }

    public ImageConfig withParent(String newParent) {
        return new ImageConfig(architecture, os, variant, created, author, comment, newParent, dockerVersion, config, rootfs, history);
    }

    public ImageConfig withConfig(RunConfig newConfig) {
        return new ImageConfig(architecture, os, variant, created, author, comment, parent, dockerVersion, newConfig, rootfs, history);
    }

    public record RootFs(@JsonProperty("type") String type, @JsonProperty("diff_ids") List<Digest> diffIds) {
        public RootFs {
            type = type == null ? "layers" : type;
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record History(
            @JsonProperty("created") String created,
            @JsonProperty("created_by") String createdBy,
            @JsonProperty("author") String author,
            @JsonProperty("comment") String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {

        public boolean isEmptyLayer() {
            return Boolean.TRUE.equals(emptyLayer);
        }
    }

    /**
     * What a container of this image runs with unless told otherwise: Docker's "Config" of an image
     * (OCI ImageConfig: User, ExposedPorts, Env, Entrypoint, Cmd, Volumes, WorkingDir, Labels, StopSignal…).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunConfig(
            @JsonProperty("User") String user,
            @JsonProperty("ExposedPorts") java.util.Map<String, Object> exposedPorts,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Healthcheck") JsonNode healthcheck,
            @JsonProperty("ArgsEscaped") Boolean argsEscaped,
            @JsonProperty("Volumes") java.util.Map<String, Object> volumes,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("Labels") java.util.Map<String, String> labels,
            // dockerd's configs always have it (null when none): clients read Config.OnBuild without checking for it
            @JsonProperty("OnBuild") @JsonInclude(JsonInclude.Include.ALWAYS) List<String> onBuild,
            @JsonProperty("StopSignal") String stopSignal,
            @JsonProperty("Shell") List<String> shell) {

        public static final RunConfig EMPTY = new RunConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);

        public java.util.Map<String, String> labelsOrEmpty() {
            return labels == null ? java.util.Map.of() : labels;
        }
    }
}
