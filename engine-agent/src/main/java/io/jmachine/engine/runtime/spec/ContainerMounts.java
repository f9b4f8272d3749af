package io.jmachine.engine.runtime.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mount list of a container as moby's WithMounts builds it: Docker's defaults, except where the user mounts
 * the same destination (or anything at /dev replaces the whole /dev tree), then tini for --init, then the user's
 * mounts parents first; and the rootfs propagation a shared or slave bind needs.
 */
record ContainerMounts(List<OciSpec.Mount> mounts, String rootfsPropagation) {

    /** Where Docker puts the init binary in the container. */
    static final String INIT_PATH = "/sbin/docker-init";

    static ContainerMounts of(ContainerSpec spec, Path initBinary) {
        List<OciSpec.Mount> user = new ArrayList<>();
        String propagation = null;
        for (MountSpec mount : spec.mounts()) {
            switch (mount) {
                case MountSpec.Bind bind -> {
                    List<String> options = new ArrayList<>(List.of("rbind"));
                    if (bind.readOnly()) {
                        options.add("ro");
                    }
                    options.add(bind.propagation().option());
                    user.add(new OciSpec.Mount(bind.destination(), "bind", bind.source().toString(), options));
                    if (bind.propagation().isShared()) {
                        propagation = "shared";
                    } else if (bind.propagation().isSlave() && propagation == null) {
                        propagation = "rslave";
                    }
                }
                case MountSpec.Tmpfs tmpfs -> user.add(new OciSpec.Mount(tmpfs.destination(), "tmpfs", "tmpfs", tmpfsOptions(tmpfs.options())));
            }
        }
        boolean userDev = user.stream().anyMatch(m -> m.destination().equals("/dev"));
        List<OciSpec.Mount> mounts = new ArrayList<>();
        boolean hostIpc = spec.ipc() instanceof NamespaceMode.Host;
        for (OciSpec.Mount standard : DockerDefaults.mounts(spec.shmSize(), spec.privileged(), hostIpc)) {
            boolean overridden = user.stream().anyMatch(m -> m.destination().equals(standard.destination()))
                    || (userDev && standard.destination().startsWith("/dev/"));
            if (!overridden) {
                mounts.add(standard);
            }
        }
        if (spec.init()) {
            mounts.add(new OciSpec.Mount(INIT_PATH, "bind", initBinary.toString(), List.of("bind", "ro")));
        }
        // parents before children, or a later mount would hide an earlier one beneath it
        user.sort(Comparator.comparingLong(m -> m.destination().chars().filter(c -> c == '/').count()));
        mounts.addAll(user);
        return new ContainerMounts(List.copyOf(mounts), propagation);
    }

    /**
     * Docker's tmpfs defaults (noexec, nosuid, nodev) merged with the user's: a flag replaces its opposite
     * (exec beats noexec) and key=value replaces the same key.
     */
    static List<String> tmpfsOptions(List<String> requested) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String option : List.of("noexec", "nosuid", "nodev")) {
            merged.put(slot(option), option);
        }
        for (String option : requested) {
            merged.put(slot(option), option);
        }
        return List.copyOf(merged.values());
    }

    /** The option's kind: a key for key=value, the positive form of a flag, or ro/rw. */
    private static String slot(String option) {
        int eq = option.indexOf('=');
        if (eq >= 0) {
            return option.substring(0, eq);
        }
        return switch (option) {
            case "ro", "rw" -> "rw";
            case "noexec", "exec" -> "exec";
            case "nosuid", "suid" -> "suid";
            case "nodev", "dev" -> "dev";
            case "noatime", "atime" -> "atime";
            default -> option;
        };
    }
}
