package io.jmachine.engine.volume;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;
import java.util.Locale;

/**
 * One mount a container asked for (-v, --mount, --volumes-from or an image VOLUME), resolved at create time
 * and kept in the container's record, as moby's MountPoint in config.v2.json.
 *
 * @param name         the volume's name; empty for binds and tmpfs
 * @param source       the host folder: the bind's source, or the volume's {@code _data}; empty for tmpfs
 * @param mode         the mode text the user gave (e.g. "ro", "z"), shown by inspect as given
 * @param propagation  bind propagation ("rprivate"…); empty for volumes and tmpfs
 * @param anonymous    a volume the engine named for this container; {@code rm -v} and {@code --rm} remove it
 * @param copyData     the volume still gets the image's content at its destination on the next start
 * @param createSource a -v bind whose missing host folder is made at start, as Docker does
 * @param tmpfsOptions mount options of a tmpfs mount (size=, mode=, ro)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MountPoint(
        @JsonProperty("Type") Type type,
        @JsonProperty("Name") String name,
        @JsonProperty("Source") String source,
        @JsonProperty("Destination") String destination,
        @JsonProperty("Driver") String driver,
        @JsonProperty("Mode") String mode,
        @JsonProperty("RW") boolean rw,
        @JsonProperty("Propagation") String propagation,
        @JsonProperty("Anonymous") boolean anonymous,
        @JsonProperty("CopyData") boolean copyData,
        @JsonProperty("CreateSource") boolean createSource,
        @JsonProperty("TmpfsOptions") List<String> tmpfsOptions) {

    /** Docker's mount types, written in lower case as the API does. */
    public enum Type {
        BIND, VOLUME, TMPFS;

        @JsonValue
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MountPoint {
        name = name == null ? "" : name;
        source = source == null ? "" : source;
        driver = driver == null ? "" : driver;
        mode = mode == null ? "" : mode;
        propagation = propagation == null ? "" : propagation;
        tmpfsOptions = tmpfsOptions == null ? List.of() : List.copyOf(tmpfsOptions);
    }

    public boolean isVolume() {
        return type == Type.VOLUME;
    }

    /** The same mount backed by a volume that now exists: its name, driver and folder filled in. */
    public MountPoint withVolume(String volumeName, String volumeDriver, String volumeFolder) {
        return new MountPoint(type, volumeName, volumeFolder, destination, volumeDriver, mode, rw, propagation, anonymous, copyData,
                createSource, tmpfsOptions);
    }

    public MountPoint withCopyData(boolean copy) {
        return new MountPoint(type, name, source, destination, driver, mode, rw, propagation, anonymous, copy, createSource, tmpfsOptions);
    }

    /**
     * This mount as another container gets it through --volumes-from: the same source, read-only if either
     * side says so, never populated again and without the user's mode text (moby copies neither).
     */
    public MountPoint sharedWith(boolean readWrite) {
        return new MountPoint(type, name, source, destination, driver, "", rw && readWrite, propagation, anonymous, false, false,
                tmpfsOptions);
    }
}
