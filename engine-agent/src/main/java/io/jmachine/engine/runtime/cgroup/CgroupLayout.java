package io.jmachine.engine.runtime.cgroup;

import io.jmachine.engine.linux.MountInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the host's cgroups are mounted. A host is {@link V2} when /sys/fs/cgroup itself is cgroup2 (the guests);
 * otherwise it is {@link V1}, including hybrid hosts that also mount cgroup2 at /sys/fs/cgroup/unified with no
 * controllers (this build host): runc decides the same way, and crun 1.8 refuses hybrid hosts outright.
 */
public sealed interface CgroupLayout {

    Path SYS_FS_CGROUP = Path.of("/sys/fs/cgroup");

    /** cgroup v1: each controller's hierarchy, by controller name (cpu, cpuacct, memory, pids…). */
    record V1(Map<String, Hierarchy> controllers) implements CgroupLayout {
        public V1 {
            controllers = Map.copyOf(controllers);
        }

        /** The directory of a cgroup path in one controller's hierarchy, if that controller is mounted. */
        public Optional<Path> directory(String controller, String cgroupPath) {
            return Optional.ofNullable(controllers.get(controller)).map(h -> h.directory(cgroupPath));
        }
    }

    /** cgroup v2: one unified hierarchy. */
    record V2(Hierarchy hierarchy) implements CgroupLayout {
        public Path directory(String cgroupPath) {
            return hierarchy.directory(cgroupPath);
        }
    }

    /** A mounted hierarchy: its mount point and which cgroup path that mount point shows (not "/" inside containers). */
    record Hierarchy(Path mountPoint, String root) {
        public Path directory(String cgroupPath) {
            String path = cgroupPath.startsWith("/") ? cgroupPath : "/" + cgroupPath;
            String base = root.equals("/") ? "" : root;
            if (!base.isEmpty() && path.startsWith(base + "/")) {
                path = path.substring(base.length());
            }
            return mountPoint.resolve(path.substring(1));
        }
    }

    /** The cgroup path of a container, absolute from the hierarchy's root as Docker's cgroupfs driver makes it ({@code /docker/ID}). */
    static String containerPath(String parent, String containerId) {
        String trimmed = parent.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? "/" + containerId : "/" + trimmed + "/" + containerId;
    }

    default boolean unified() {
        return this instanceof V2;
    }

    /** The layout this process sees, from /proc/self/mountinfo. */
    static CgroupLayout detect() {
        try {
            return fromMountinfo(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo to find the cgroup mounts: " + e.getMessage(), e);
        }
    }

    Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids",
            "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc");

    static CgroupLayout fromMountinfo(String mountinfo) {
        Map<String, Hierarchy> v1 = new LinkedHashMap<>();
        for (MountInfo.Mount mount : MountInfo.parse(mountinfo)) {
            Hierarchy hierarchy = new Hierarchy(mount.mountPoint(), mount.root());
            if (mount.fsType().equals("cgroup2") && mount.mountPoint().equals(SYS_FS_CGROUP)) {
                return new V2(hierarchy);
            }
            if (mount.fsType().equals("cgroup")) {
                for (String option : mount.superOptions().split(",")) {
                    if (V1_CONTROLLERS.contains(option)) {
                        v1.putIfAbsent(option, hierarchy);
                    }
                }
            }
        }
        if (v1.isEmpty()) {
            throw new IllegalStateException("no cgroup hierarchy is mounted (neither cgroup2 at /sys/fs/cgroup nor v1 controllers): "
                    + "containers need cgroups; mount them (systemd does) and start the engine again");
        }
        return new V1(v1);
    }
}
