package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.runtime.cgroup.CgroupLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the engine process can hand its containers: the capabilities it holds, its cgroup layout, its own
 * open-files hard limit (without CAP_SYS_RESOURCE a child cannot go past it) and the machine it runs on.
 *
 * @param swapAccounting whether the memory cgroup limits swap (v1 memory.memsw.*); without it Docker ignores
 *                       --memory-swap rather than fail, and so does the engine
 * @param onlineCpus     CPUs this process may use, the upper bound of --cpus
 */
public record EngineHost(Set<String> heldCapabilities, CgroupLayout cgroups, long nofileHardLimit, String goArch,
                         SeccompProfile.KernelVersion kernel, boolean swapAccounting, int onlineCpus) {

    public EngineHost {
        heldCapabilities = Set.copyOf(heldCapabilities);
    }

    /** This process's facts, read from /proc/self and /sys/fs/cgroup. */
    public static EngineHost read() {
        try {
            Set<String> held = LinuxCapabilities.heldIn(Files.readString(Path.of("/proc/self/status")));
            CgroupLayout cgroups = CgroupLayout.detect();
            long nofile = nofileHardLimit(Files.readString(Path.of("/proc/self/limits")));
            boolean swap = switch (cgroups) {
                case CgroupLayout.V1 v1 -> v1.directory("memory", "/").map(d -> Files.exists(d.resolve("memory.memsw.limit_in_bytes"))).orElse(false);
                // v2 keeps swap in memory.swap.max of every non-root cgroup; runc skips it quietly where it is missing
                case CgroupLayout.V2 v2 -> true;
            };
            return new EngineHost(held, cgroups, nofile, SeccompProfile.goArch(System.getProperty("os.arch")),
                    SeccompProfile.KernelVersion.parse(System.getProperty("os.version")), swap,
                    Runtime.getRuntime().availableProcessors());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this process's status from /proc/self: " + e.getMessage(), e);
        }
    }

    /** The hard "Max open files" of a /proc/PID/limits text; Long.MAX_VALUE for unlimited. */
    static long nofileHardLimit(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                return fields[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(fields[1]);
            }
        }
        throw new IllegalArgumentException("no 'Max open files' line in the limits text");
    }
}
