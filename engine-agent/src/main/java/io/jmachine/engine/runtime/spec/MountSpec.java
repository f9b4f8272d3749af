package io.jmachine.engine.runtime.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A mount the container asks for beyond Docker's defaults: volumes, binds, tmpfs, /etc/hosts and friends. */
public sealed interface MountSpec {

    /** Where the mount appears inside the container (absolute). */
    String destination();

    /** A bind mount of a host file or directory (also /etc/hosts, /etc/resolv.conf, /etc/hostname). */
    record Bind(Path source, String destination, boolean readOnly, Propagation propagation) implements MountSpec {
        public Bind {
            if (source == null || !source.isAbsolute()) {
                throw new IllegalArgumentException("a bind mount needs an absolute source path, got " + source);
            }
            destination = requireAbsolute(destination);
            propagation = propagation == null ? Propagation.RPRIVATE : propagation;
        }

        public static Bind of(Path source, String destination, boolean readOnly) {
            return new Bind(source, destination, readOnly, Propagation.RPRIVATE);
        }
    }

    /** A tmpfs with Docker's tmpfs options (size=, mode=, exec…) added to its defaults of noexec,nosuid,nodev. */
    record Tmpfs(String destination, List<String> options) implements MountSpec {
        public Tmpfs {
            destination = requireAbsolute(destination);
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    /** Mount propagation as Docker's {@code bind-propagation}. */
    enum Propagation {
        PRIVATE, RPRIVATE, SHARED, RSHARED, SLAVE, RSLAVE;

        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isShared() {
            return this == SHARED || this == RSHARED;
        }

        public boolean isSlave() {
            return this == SLAVE || this == RSLAVE;
        }
    }

    private static String requireAbsolute(String destination) {
        if (destination == null || !destination.startsWith("/")) {
            throw new IllegalArgumentException("invalid mount destination " + destination + ": it must be an absolute path in the container");
        }
        return destination;
    }
}
