package io.jmachine.engine.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Which limits this host's cgroups can take, found as dockerd's pkg/sysinfo finds them (a v1 controller's file at
 * the hierarchy's root; on v2 what the controller always offers), so that a limit the host lacks gets dockerd's
 * warning instead of a failed write.
 *
 * @param cpus CPUs the containers may be given (the root cpuset), as {@code --cpuset-cpus} is checked against
 * @param mems memory nodes likewise
 */
public record CgroupFeatures(boolean swapLimit, boolean kernelMemory, boolean oomKillDisable, boolean memorySwappiness,
                             boolean blkioWeight, CpuList cpus, CpuList mems) {

    public static CgroupFeatures detect(CgroupLayout layout) {
        return switch (layout) {
            case CgroupLayout.V1 v1 -> new CgroupFeatures(
                    has(v1, "memory", "memory.memsw.limit_in_bytes"),
                    has(v1, "memory", "memory.kmem.limit_in_bytes"),
                    has(v1, "memory", "memory.oom_control"),
                    has(v1, "memory", "memory.swappiness"),
                    has(v1, "blkio", "blkio.weight"),
                    list(v1.directory("cpuset", "/").map(d -> d.resolve("cpuset.cpus")), "/sys/devices/system/cpu/online"),
                    list(v1.directory("cpuset", "/").map(d -> d.resolve("cpuset.mems")), "/sys/devices/system/node/online"));
            case CgroupLayout.V2 v2 -> {
                Path root = v2.directory("/");
                Set<String> controllers = controllers(root);
                yield new CgroupFeatures(controllers.contains("memory"), false, false, false, controllers.contains("io"),
                        list(Optional.of(root.resolve("cpuset.cpus.effective")), "/sys/devices/system/cpu/online"),
                        list(Optional.of(root.resolve("cpuset.mems.effective")), "/sys/devices/system/node/online"));
            }
        };
    }

    private static boolean has(CgroupLayout.V1 v1, String controller, String file) {
        return v1.directory(controller, "/").map(d -> Files.exists(d.resolve(file))).orElse(false);
    }

    private static Set<String> controllers(Path root) {
        try {
            return Set.of(Files.readString(root.resolve("cgroup.controllers")).trim().split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** The first of the files that reads as a list; "0" when none does (a machine has CPU 0 and node 0). */
    private static CpuList list(Optional<Path> first, String fallback) {
        for (Path file : new Path[] {first.orElse(null), Path.of(fallback)}) {
            try {
                if (file != null && Files.isReadable(file)) {
                    String text = Files.readString(file).trim();
                    if (!text.isEmpty()) {
                        return CpuList.parse(text);
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                // the next source tells
            }
        }
        return CpuList.parse("0");
    }
}
