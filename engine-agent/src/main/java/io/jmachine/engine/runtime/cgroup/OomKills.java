package io.jmachine.engine.runtime.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the kernel's OOM killer did to one cgroup, from the counter file each version keeps: v1
 * {@code memory.oom_control} has an {@code oom_kill} line (kernel 4.13+), v2 {@code memory.events} has
 * {@code oom_kill} and {@code oom_group_kill}. The runtime makes a fresh cgroup for each start and removes it
 * with {@code delete}, so the counters are the current run's, and must be read before that delete.
 */
public final class OomKills {

    private OomKills() {
    }

    /**
     * OOM kills in the cgroup so far: processes taken ({@code oom_kill}) plus, on v2, group kills
     * ({@code oom_group_kill}). Only its rises and whether it is above zero mean anything.
     *
     * @return empty when the cgroup is gone, or when no memory controller is mounted
     */
    public static OptionalLong read(CgroupLayout layout, String cgroupPath) {
        Optional<Path> file = counterFile(layout, cgroupPath);
        if (file.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(parse(Files.readString(file.get())));
        } catch (NoSuchFileException gone) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.get() + " for the OOM kills of " + cgroupPath + ": " + e.getMessage(), e);
        }
    }

    /** The file that holds the counters, and whose changes the kernel announces; empty without a memory controller. */
    public static Optional<Path> counterFile(CgroupLayout layout, String cgroupPath) {
        return switch (layout) {
            case CgroupLayout.V2 v2 -> Optional.of(v2.directory(cgroupPath).resolve("memory.events"));
            case CgroupLayout.V1 v1 -> v1.directory("memory", cgroupPath).map(dir -> dir.resolve("memory.oom_control"));
        };
    }

    /**
     * The kills in a counter file's text, v1's {@code memory.oom_control} or v2's {@code memory.events} (both
     * "key value" lines). A kernel before 4.13 has no {@code oom_kill} line in v1: that reads as no kill.
     */
    static long parse(String text) {
        long kills = 0;
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && (parts[0].equals("oom_kill") || parts[0].equals("oom_group_kill"))) {
                try {
                    kills += Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("the OOM counter line '" + line.trim() + "' has no number", e);
                }
            }
        }
        return kills;
    }
}
