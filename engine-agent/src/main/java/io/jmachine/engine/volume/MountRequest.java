package io.jmachine.engine.volume;

import java.util.Map;

/**
 * A parsed -v, --mount or image VOLUME: the mount point to be, and, for a volume made on first use, how to
 * make it (--mount's volume-driver, volume-label and volume-opt).
 *
 * @param mount  with an empty name for an anonymous volume; its source is filled in once the volume exists
 * @param driver the volume driver asked for; empty for the default
 */
public record MountRequest(MountPoint mount, String driver, Map<String, String> labels, Map<String, String> driverOptions) {

    public MountRequest {
        driver = driver == null ? "" : driver;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        driverOptions = driverOptions == null ? Map.of() : Map.copyOf(driverOptions);
    }

    public static MountRequest of(MountPoint mount) {
        return new MountRequest(mount, "", Map.of(), Map.of());
    }
}
