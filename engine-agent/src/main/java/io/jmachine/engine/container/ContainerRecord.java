package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.jmachine.engine.volume.MountPoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine keeps about one container, stored as JSON in its folder. A new state means a new
 * record: the service swaps records and persists them, nothing mutates one in place.
 *
 * @param name  without Docker's leading slash
 * @param image the image ID (sha256:…) the container was made from
 * @param mountPoints the volumes, binds and tmpfs mounts resolved at create time; the volumes named here are
 *                    the container's, which keeps them from volume rm and prune
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerRecord(
        @JsonProperty("Id") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Created") Instant created,
        @JsonProperty("Path") String path,
        @JsonProperty("Args") List<String> args,
        @JsonProperty("Image") String image,
        @JsonProperty("ImageRef") String imageRef,
        @JsonProperty("Config") ContainerConfig config,
        @JsonProperty("HostConfig") HostConfig hostConfig,
        @JsonProperty("State") ContainerState state,
        @JsonProperty("RestartCount") int restartCount,
        @JsonProperty("Network") NetworkAttachment network,
        @JsonProperty("FormatVersion") int formatVersion,
        @JsonProperty("MountPoints") List<MountPoint> mountPoints,
        @JsonProperty("HasBeenManuallyStopped") boolean manuallyStopped) {

    /** Bumped when the stored form changes incompatibly, so an engine can migrate or refuse old records. */
    public static final int FORMAT_VERSION = 1;

    public ContainerRecord {
        mountPoints = mountPoints == null ? List.of() : List.copyOf(mountPoints);
    }

    /** A container no one has stopped by hand yet. */
    public ContainerRecord(String id, String name, Instant created, String path, List<String> args, String image, String imageRef,
                           ContainerConfig config, HostConfig hostConfig, ContainerState state, int restartCount,
                           NetworkAttachment network, int formatVersion, List<MountPoint> mountPoints) {
        this(id, name, created, path, args, image, imageRef, config, hostConfig, state, restartCount, network, formatVersion,
                mountPoints, false);
    }

    /**
     * Whether a client stopped or killed it last (dockerd's HasBeenManuallyStopped): an unless-stopped container then
     * stays down when the engine starts; a start clears it.
     */
    public ContainerRecord withManuallyStopped(boolean stopped) {
        return new ContainerRecord(id, name, created, path, args, image, imageRef, config, hostConfig, state, restartCount, network,
                formatVersion, mountPoints, stopped);
    }

    /**
     * Where the container is attached; null until it first starts, and for network mode none/host fields are empty.
     * The address fields are the default bridge's (Docker's NetworkSettings.IPAddress); {@code networks} has one
     * endpoint per network, the default bridge or user-defined.
     *
     * @param publishAddress where published ports forward to: the address on the network that gives the container
     *                       its way out, whichever network that is; null when it has none (host, none, internal only)
     */
    public record NetworkAttachment(@JsonProperty("Mode") String mode, @JsonProperty("NetnsPath") String netnsPath,
                                    @JsonProperty("IPAddress") String ipAddress, @JsonProperty("IPPrefixLen") int ipPrefixLen,
                                    @JsonProperty("Gateway") String gateway, @JsonProperty("MacAddress") String macAddress,
                                    @JsonProperty("Networks") List<NetworkEndpoint> networks,
                                    @JsonProperty("PublishAddress") String publishAddress) {
        public NetworkAttachment {
            networks = networks == null ? List.of() : List.copyOf(networks);
        }
    }

    /** A container's interface on one network, as inspect's NetworkSettings.Networks shows it. */
    public record NetworkEndpoint(@JsonProperty("Name") String name, @JsonProperty("NetworkID") String networkId,
                                  @JsonProperty("EndpointID") String endpointId, @JsonProperty("IPAddress") String ipAddress,
                                  @JsonProperty("IPPrefixLen") int ipPrefixLen, @JsonProperty("Gateway") String gateway,
                                  @JsonProperty("MacAddress") String macAddress, @JsonProperty("Aliases") List<String> aliases) {
        public NetworkEndpoint {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
        }
    }

    public ContainerRecord withState(ContainerState newState) {
        return new ContainerRecord(id, name, created, path, args, image, imageRef, config, hostConfig, newState, restartCount, network,
                formatVersion, mountPoints, manuallyStopped);
    }

    public ContainerRecord withName(String newName) {
        return new ContainerRecord(id, newName, created, path, args, image, imageRef, config, hostConfig, state, restartCount, network,
                formatVersion, mountPoints, manuallyStopped);
    }

    public ContainerRecord withNetwork(NetworkAttachment newNetwork) {
        return new ContainerRecord(id, name, created, path, args, image, imageRef, config, hostConfig, state, restartCount, newNetwork,
                formatVersion, mountPoints, manuallyStopped);
    }

    public ContainerRecord withHostConfig(HostConfig newHostConfig) {
        return new ContainerRecord(id, name, created, path, args, image, imageRef, config, newHostConfig, state, restartCount, network,
                formatVersion, mountPoints, manuallyStopped);
    }

    public ContainerRecord withRestartCount(int count) {
        return new ContainerRecord(id, name, created, path, args, image, imageRef, config, hostConfig, state, count, network,
                formatVersion, mountPoints, manuallyStopped);
    }

    public ContainerRecord withMountPoints(List<MountPoint> newMountPoints) {
        return new ContainerRecord(id, name, created, path, args, image, imageRef, config, hostConfig, state, restartCount, network, formatVersion,
                newMountPoints, manuallyStopped);
    }

    /** Whether one of the container's mounts is the volume. */
    public boolean usesVolume(String volumeName) {
        return mountPoints.stream().anyMatch(m -> m.isVolume() && m.name().equals(volumeName));
    }

    /** What events say about the container: its labels, name and image. */
    public Map<String, String> eventAttributes() {
        Map<String, String> attributes = new java.util.HashMap<>(config.labels());
        attributes.put("name", name);
        attributes.put("image", imageRef != null ? imageRef : image);
        return attributes;
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
