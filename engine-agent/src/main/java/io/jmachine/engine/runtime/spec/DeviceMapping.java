package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;

import java.nio.file.Path;

/** A host device passed into the container, as Docker's {@code --device /dev/x[:/dev/y][:rwm]}. */
public record DeviceMapping(Path pathOnHost, String pathInContainer, String permissions) {

    public DeviceMapping {
        if (pathOnHost == null || !pathOnHost.isAbsolute()) {
            throw EngineException.invalid("invalid device " + pathOnHost + ": the host path must be absolute");
        }
        pathInContainer = pathInContainer == null || pathInContainer.isEmpty() ? pathOnHost.toString() : pathInContainer;
        if (!pathInContainer.startsWith("/")) {
            throw EngineException.invalid("invalid device path in container " + pathInContainer + ": it must be absolute");
        }
        permissions = permissions == null || permissions.isEmpty() ? "rwm" : permissions;
        if (!permissions.matches("[rwm]{1,3}")) {
            throw EngineException.invalid("invalid device mode " + permissions + ": use a combination of r, w and m");
        }
    }

    /** Parses {@code /dev/null}, {@code /dev/null:/dev/extra-null} or {@code /dev/null:/dev/extra-null:rwm}. */
    public static DeviceMapping parse(String text) {
        String[] parts = text.split(":", -1);
        return switch (parts.length) {
            case 1 -> new DeviceMapping(Path.of(parts[0]), null, null);
            // "/dev/x:rw" names permissions, not a path: Docker reads it that way too
            case 2 -> parts[1].startsWith("/") ? new DeviceMapping(Path.of(parts[0]), parts[1], null)
                    : new DeviceMapping(Path.of(parts[0]), null, parts[1]);
            case 3 -> new DeviceMapping(Path.of(parts[0]), parts[1], parts[2]);
            default -> throw EngineException.invalid("invalid device specification: " + text);
        };
    }
}
