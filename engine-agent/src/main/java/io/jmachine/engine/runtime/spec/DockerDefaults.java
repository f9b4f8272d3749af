package io.jmachine.engine.runtime.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Docker's default spec parts (moby daemon/pkg/oci/defaults.go), kept in one place so a reviewer can hold them
 * against the source: the mounts every container gets, the /proc and /sys paths hidden or made read-only,
 * and the device cgroup rules.
 */
public final class DockerDefaults {

    static final List<String> MASKED_PATHS = List.of(
            "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
            "/sys/devices/virtual/powercap");

    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** The paths a container that is not privileged cannot see, unless its HostConfig.MaskedPaths says otherwise. */
    public static List<String> maskedPaths() {
        return MASKED_PATHS;
    }

    /** The paths a container that is not privileged sees read-only, unless its HostConfig.ReadonlyPaths says otherwise. */
    public static List<String> readonlyPaths() {
        return READONLY_PATHS;
    }

    /** Sysctls Docker sets in every container that has its own network namespace (unprivileged ports and ping). */
    static final List<String[]> NETWORK_SYSCTLS = List.of(
            new String[] {"net.ipv4.ip_unprivileged_port_start", "0"},
            new String[] {"net.ipv4.ping_group_range", "0 2147483647"});

    private DockerDefaults() {
    }

    /**
     * The default mounts. Privileged containers get /sys and the cgroup mount writable; a container sharing the
     * host's IPC namespace sees the host's /dev/shm and /dev/mqueue instead of private ones.
     */
    static List<OciSpec.Mount> mounts(long shmSize, boolean privileged, boolean hostIpc) {
        List<OciSpec.Mount> mounts = new ArrayList<>();
        mounts.add(new OciSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        mounts.add(new OciSpec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(new OciSpec.Mount("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        mounts.add(new OciSpec.Mount("/sys", "sysfs", "sysfs",
                privileged ? List.of("nosuid", "noexec", "nodev") : List.of("nosuid", "noexec", "nodev", "ro")));
        mounts.add(new OciSpec.Mount("/sys/fs/cgroup", "cgroup", "cgroup",
                privileged ? List.of("nosuid", "noexec", "nodev") : List.of("ro", "nosuid", "noexec", "nodev")));
        if (hostIpc) {
            mounts.add(new OciSpec.Mount("/dev/mqueue", "bind", "/dev/mqueue", List.of("rbind", "rprivate")));
            mounts.add(new OciSpec.Mount("/dev/shm", "bind", "/dev/shm", List.of("rbind", "rprivate")));
        } else {
            mounts.add(new OciSpec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
            mounts.add(new OciSpec.Mount("/dev/shm", "tmpfs", "shm",
                    List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shmSize)));
        }
        return mounts;
    }

    /**
     * Deny everything, then allow the standard nodes; fuse stays denied. The runtime adds its own standard
     * nodes (null, zero, full, random, urandom, tty, ptmx, pts) after these, as runc's AllowedDevices.
     */
    static List<OciSpec.DeviceRule> deviceRules() {
        return List.of(
                new OciSpec.DeviceRule(false, null, null, null, "rwm"),
                OciSpec.DeviceRule.allowChar(1, 5),
                OciSpec.DeviceRule.allowChar(1, 3),
                OciSpec.DeviceRule.allowChar(1, 9),
                OciSpec.DeviceRule.allowChar(1, 8),
                OciSpec.DeviceRule.allowChar(5, 0),
                OciSpec.DeviceRule.allowChar(5, 1),
                new OciSpec.DeviceRule(false, "c", 10L, 229L, "rwm"));
    }

    /** A privileged container may use every device. */
    static List<OciSpec.DeviceRule> allowAllDevices() {
        return List.of(new OciSpec.DeviceRule(true, null, null, null, "rwm"));
    }
}
