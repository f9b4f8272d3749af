package io.jmachine.engine.volume;

import io.jmachine.engine.fs.CleanPath;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Docker's Linux mount syntax: -v (HostConfig.Binds), --mount (HostConfig.Mounts), --volumes-from and image
 * VOLUMEs become {@link MountRequest}s, refused with dockerd's wording ("invalid volume specification: …",
 * "invalid mount config for type …") so that clients and scripts see what they would see with Docker.
 */
public final class MountParser {

    /** A --volumes-from entry: the container, and "rw", "ro" or another valid mode. */
    public record VolumesFrom(String container, String mode) {
        public boolean readWrite() {
            return !List.of(mode.split(",")).contains("ro");
        }
    }

    private static final Set<String> RW_MODES = Set.of("rw", "ro");
    private static final Set<String> LABEL_MODES = Set.of("z", "Z");
    private static final Set<String> PROPAGATION_MODES = Set.of("private", "rprivate", "slave", "rslave", "shared", "rshared");
    private static final Set<String> CONSISTENCY_MODES = Set.of("consistent", "cached", "delegated");
    private static final String NO_COPY = "nocopy";
    private static final String DEFAULT_PROPAGATION = "rprivate";
    /** Docker gives a local volume mounted without a mode the SELinux label mode "z" (setBindModeIfNull). */
    private static final String DEFAULT_VOLUME_MODE = "z";

    private final ObjectMapper json;

    public MountParser(ObjectMapper json) {
        this.json = json;
    }

    /** A -v entry: {@code [SOURCE:]DESTINATION[:MODE]}; an absolute source is a bind, anything else a volume name. */
    public MountRequest parseBind(String raw) {
        String[] parts = raw.split(":", 4);
        if (parts[0].isEmpty()) {
            throw invalidSpec(raw);
        }
        String source = "";
        String target;
        String mode = "";
        switch (parts.length) {
            case 1 -> target = parts[0];
            case 2 -> {
                if (validMode(parts[1])) {
                    // a destination and a mode (/foo:rw) is no volume at all
                    throw invalidSpec(raw);
                }
                source = parts[0];
                target = parts[1];
            }
            case 3 -> {
                source = parts[0];
                target = parts[1];
                mode = parts[2];
            }
            default -> throw invalidSpec(raw);
        }
        if (!validMode(mode)) {
            throw invalidMode(mode);
        }
        List<String> options = mode.isEmpty() ? List.of() : List.of(mode.split(","));
        boolean bind = source.startsWith("/");
        String type = bind ? "bind" : "volume";
        boolean readOnly = options.contains("ro");
        boolean noCopy = options.contains(NO_COPY);
        String propagation = options.stream().filter(PROPAGATION_MODES::contains).findFirst().orElse(null);
        try {
            validateTarget(type, target);
            if (bind) {
                if (noCopy) {
                    throw mountConfig(type, "field VolumeOptions must not be specified");
                }
                return MountRequest.of(new MountPoint(MountPoint.Type.BIND, "", CleanPath.clean(source), CleanPath.clean(target), "", mode, !readOnly,
                        propagation != null ? propagation : DEFAULT_PROPAGATION, false, false, true, List.of()));
            }
            if (propagation != null) {
                throw mountConfig(type, "field BindOptions must not be specified");
            }
            boolean anonymous = source.isEmpty();
            return MountRequest.of(new MountPoint(MountPoint.Type.VOLUME, source, "", CleanPath.clean(target), "",
                    mode.isEmpty() ? DEFAULT_VOLUME_MODE : mode, !readOnly, "", anonymous, !noCopy, false, List.of()));
        } catch (EngineException e) {
            throw EngineException.invalid(invalidSpec(raw).getMessage() + ": " + e.getMessage());
        }
    }

    /** An image VOLUME or a {@code -v /path} (Config.Volumes): an anonymous volume at that path. */
    public MountRequest anonymousVolume(String destination) {
        try {
            validateTarget("volume", destination);
        } catch (EngineException e) {
            throw EngineException.invalid(invalidSpec(destination).getMessage() + ": " + e.getMessage());
        }
        return MountRequest.of(new MountPoint(MountPoint.Type.VOLUME, "", "", CleanPath.clean(destination), "", "", true, "", true, true, false,
                List.of()));
    }

    /** A --mount entry (HostConfig.Mounts); a bind's source must exist unless it asks to be created. */
    public MountRequest parseMount(JsonNode node) {
        DockerMount mount;
        try {
            mount = json.treeToValue(node, DockerMount.class);
        } catch (JsonProcessingException e) {
            throw EngineException.invalid("invalid mount config: " + e.getOriginalMessage());
        }
        String type = mount.type() == null ? "" : mount.type();
        String source = mount.source() == null ? "" : mount.source();
        validateTarget(type, mount.target());
        return switch (type) {
            case "bind" -> bindMount(mount, source);
            case "volume" -> volumeMount(mount, source);
            case "tmpfs" -> tmpfsMount(mount, source);
            case "image", "npipe", "cluster" -> throw mountConfig(type, "mount type " + type + " is not supported by this engine");
            default -> throw mountConfig(type, "mount type unknown");
        };
    }

    private MountRequest bindMount(DockerMount mount, String source) {
        if (source.isEmpty()) {
            throw mountConfig("bind", "field Source must not be empty");
        }
        DockerMount.BindOptions options = mount.bindOptions();
        String propagation = options != null && options.propagation() != null && !options.propagation().isEmpty()
                ? options.propagation() : DEFAULT_PROPAGATION;
        if (!PROPAGATION_MODES.contains(propagation)) {
            throw mountConfig("bind", "invalid propagation mode: " + propagation);
        }
        if (mount.volumeOptions() != null) {
            throw mountConfig("bind", "field VolumeOptions must not be specified");
        }
        if (!source.startsWith("/")) {
            throw mountConfig("bind", "invalid mount path: '" + source + "' mount path must be absolute");
        }
        boolean create = options != null && options.createMountpoint();
        if (!create && !Files.exists(Path.of(source))) {
            throw mountConfig("bind", "bind source path does not exist: " + source);
        }
        return MountRequest.of(new MountPoint(MountPoint.Type.BIND, "", CleanPath.clean(source), CleanPath.clean(mount.target()), "", "", !mount.readOnly(),
                propagation, false, false, create, List.of()));
    }

    private MountRequest volumeMount(DockerMount mount, String source) {
        if (mount.bindOptions() != null) {
            throw mountConfig("volume", "field BindOptions must not be specified");
        }
        boolean anonymous = source.isEmpty();
        DockerMount.VolumeOptions options = mount.volumeOptions();
        if (options != null && options.subpath() != null && !options.subpath().isEmpty()) {
            throw mountConfig("volume", anonymous ? "must not set Subpath when using anonymous volumes"
                    : "volume subpaths are not supported by this engine yet");
        }
        if (mount.readOnly() && anonymous) {
            throw mountConfig("volume", "must not set ReadOnly mode when using anonymous volumes");
        }
        boolean copy = options == null || !options.noCopy();
        MountPoint point = new MountPoint(MountPoint.Type.VOLUME, source, "", CleanPath.clean(mount.target()), "", DEFAULT_VOLUME_MODE,
                !mount.readOnly(), "", anonymous, copy, false, List.of());
        if (options == null) {
            return MountRequest.of(point);
        }
        DockerMount.DriverConfig driver = options.driverConfig();
        return new MountRequest(point, driver == null ? "" : driver.name(), options.labels(), driver == null ? null : driver.options());
    }

    private MountRequest tmpfsMount(DockerMount mount, String source) {
        if (mount.bindOptions() != null) {
            throw mountConfig("tmpfs", "field BindOptions must not be specified");
        }
        if (!source.isEmpty()) {
            throw mountConfig("tmpfs", "field Source must not be specified");
        }
        List<String> options = new ArrayList<>();
        if (mount.readOnly()) {
            options.add("ro");
        }
        DockerMount.TmpfsOptions tmpfs = mount.tmpfsOptions();
        if (tmpfs != null && tmpfs.mode() != 0) {
            options.add("mode=" + Integer.toOctalString(tmpfs.mode() & 07777));
        }
        if (tmpfs != null && tmpfs.sizeBytes() != 0) {
            options.add("size=" + sizeText(tmpfs.sizeBytes()));
        }
        if (tmpfs != null && tmpfs.options() != null) {
            for (List<String> option : tmpfs.options()) {
                if (option.isEmpty() || option.size() > 2) {
                    throw mountConfig("tmpfs", "invalid option array length");
                }
                if (!Set.of("exec", "noexec").contains(option.get(0))) {
                    throw mountConfig("tmpfs", "invalid option: " + option.get(0));
                }
                options.add(String.join("=", option));
            }
        }
        return MountRequest.of(new MountPoint(MountPoint.Type.TMPFS, "", "", CleanPath.clean(mount.target()), "", "", !mount.readOnly(), "",
                false, false, false, options));
    }

    /** A --volumes-from entry: {@code CONTAINER[:MODE]}, where the mode may not carry propagation or nocopy. */
    public VolumesFrom parseVolumesFrom(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw EngineException.invalid("volumes-from specification cannot be an empty string");
        }
        int colon = spec.indexOf(':');
        String container = colon < 0 ? spec : spec.substring(0, colon);
        String mode = colon < 0 ? "" : spec.substring(colon + 1);
        if (mode.isEmpty()) {
            return new VolumesFrom(container, "rw");
        }
        List<String> options = List.of(mode.split(","));
        if (!validMode(mode) || options.stream().anyMatch(o -> PROPAGATION_MODES.contains(o) || o.equals(NO_COPY))) {
            throw invalidMode(mode);
        }
        return new VolumesFrom(container, mode);
    }

    /** At most one option of each kind: rw/ro, z/Z, a propagation, nocopy, a consistency. */
    static boolean validMode(String mode) {
        if (mode.isEmpty()) {
            return true;
        }
        int[] counts = new int[5];
        for (String option : mode.split(",", -1)) {
            int kind;
            if (RW_MODES.contains(option)) {
                kind = 0;
            } else if (LABEL_MODES.contains(option)) {
                kind = 1;
            } else if (PROPAGATION_MODES.contains(option)) {
                kind = 2;
            } else if (option.equals(NO_COPY)) {
                kind = 3;
            } else if (CONSISTENCY_MODES.contains(option)) {
                kind = 4;
            } else {
                return false;
            }
            if (++counts[kind] > 1) {
                return false;
            }
        }
        return true;
    }

    private static void validateTarget(String type, String target) {
        if (target == null || target.isEmpty()) {
            throw mountConfig(type, "field Target must not be empty");
        }
        if (CleanPath.clean(target).equals("/")) {
            throw mountConfig(type, "invalid specification: destination can't be '/'");
        }
        if (!target.startsWith("/")) {
            throw mountConfig(type, "invalid mount path: '" + target + "' mount path must be absolute");
        }
    }

    /** Docker writes a tmpfs size with the largest unit that divides it: g, m, k, or bytes. */
    private static String sizeText(long bytes) {
        for (Map.Entry<String, Long> unit : List.of(Map.entry("g", 1L << 30), Map.entry("m", 1L << 20), Map.entry("k", 1L << 10))) {
            if (bytes % unit.getValue() == 0) {
                return bytes / unit.getValue() + unit.getKey();
            }
        }
        return String.valueOf(bytes);
    }

    private static EngineException invalidSpec(String raw) {
        return EngineException.invalid("invalid volume specification: '" + raw + "'");
    }

    private static EngineException invalidMode(String mode) {
        return EngineException.invalid("invalid mode: " + mode);
    }

    private static EngineException mountConfig(String type, String problem) {
        return EngineException.invalid("invalid mount config for type \"" + type + "\": " + problem);
    }
}
