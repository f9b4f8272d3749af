package io.jmachine.engine.runtime.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One sample of a container's cgroup counters, what {@code docker stats} shows. Read straight from cgroupfs
 * (cheaper than {@code runc events --stats} and the same for runc and crun).
 *
 * @param memoryUsage      bytes charged, page cache included (v1 memory.usage_in_bytes, v2 memory.current)
 * @param memoryLimit      bytes, empty when unlimited
 * @param memoryCache      page cache bytes (v1 cache, v2 file)
 * @param memoryStat       memory.stat as is: Docker's API passes it on as memory_stats.stats, and the CLI
 *                         subtracts total_inactive_file (v1) or inactive_file (v2) from the usage
 * @param cpuUsageNanos    total CPU time
 * @param cpuUserNanos     CPU time in user mode
 * @param cpuSystemNanos   CPU time in kernel mode
 * @param perCpuUsageNanos per CPU (v1 cpuacct.usage_percpu); empty on v2, which does not keep it
 * @param pidsCurrent      tasks in the cgroup
 * @param pidsLimit        empty when unlimited
 * @param oomKills         processes the kernel's OOM killer took from this cgroup (v1 memory.oom_control, v2
 *                         memory.events oom_kill): read before the runtime deletes the cgroup, it is Docker's OOMKilled
 */
public record CgroupStats(long memoryUsage, OptionalLong memoryLimit, long memoryCache, Map<String, Long> memoryStat,
                          long cpuUsageNanos, long cpuUserNanos, long cpuSystemNanos, List<Long> perCpuUsageNanos,
                          long pidsCurrent, OptionalLong pidsLimit, long oomKills) {

    /** v1 writes "no limit" as the largest page-aligned long; anything this large is no limit at all. */
    private static final long V1_UNLIMITED = 1L << 62;
    /** cpuacct.stat counts USER_HZ ticks, 100 per second on every Linux architecture the engine runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    public CgroupStats {
        memoryStat = Map.copyOf(memoryStat);
        perCpuUsageNanos = List.copyOf(perCpuUsageNanos);
    }

    /**
     * Reads the counters of the cgroup at {@code cgroupPath} (the spec's cgroupsPath).
     *
     * @return empty when the cgroup does not exist (the container is not running, or was never created)
     */
    public static Optional<CgroupStats> read(CgroupLayout layout, String cgroupPath) {
        try {
            return switch (layout) {
                case CgroupLayout.V2 v2 -> readV2(v2.directory(cgroupPath));
                case CgroupLayout.V1 v1 -> readV1(v1, cgroupPath);
            };
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cgroup " + cgroupPath + ": " + e.getMessage(), e);
        }
    }

    private static Optional<CgroupStats> readV2(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Map<String, Long> memoryStat = Files.exists(dir.resolve("memory.stat")) ? keyed(dir.resolve("memory.stat")) : Map.of();
        Map<String, Long> cpuStat = keyed(dir.resolve("cpu.stat"));
        return Optional.of(new CgroupStats(
                optionalNumber(dir.resolve("memory.current")).orElse(0),
                limit(dir.resolve("memory.max"), Long.MAX_VALUE),
                memoryStat.getOrDefault("file", 0L),
                memoryStat,
                cpuStat.getOrDefault("usage_usec", 0L) * 1000,
                cpuStat.getOrDefault("user_usec", 0L) * 1000,
                cpuStat.getOrDefault("system_usec", 0L) * 1000,
                List.of(),
                optionalNumber(dir.resolve("pids.current")).orElse(0),
                limit(dir.resolve("pids.max"), Long.MAX_VALUE),
                Files.exists(dir.resolve("memory.events")) ? keyed(dir.resolve("memory.events")).getOrDefault("oom_kill", 0L) : 0));
    }

    private static Optional<CgroupStats> readV1(CgroupLayout.V1 layout, String cgroupPath) throws IOException {
        Optional<Path> memory = layout.directory("memory", cgroupPath);
        Optional<Path> cpuacct = layout.directory("cpuacct", cgroupPath);
        Optional<Path> pids = layout.directory("pids", cgroupPath);
        if (memory.map(d -> !Files.isDirectory(d)).orElse(true) && cpuacct.map(d -> !Files.isDirectory(d)).orElse(true)) {
            return Optional.empty();
        }
        Map<String, Long> memoryStat = memory.isPresent() ? keyed(memory.get().resolve("memory.stat")) : Map.of();
        Map<String, Long> cpuStat = cpuacct.isPresent() ? keyed(cpuacct.get().resolve("cpuacct.stat")) : Map.of();
        List<Long> perCpu = new ArrayList<>();
        if (cpuacct.isPresent() && Files.exists(cpuacct.get().resolve("cpuacct.usage_percpu"))) {
            for (String value : Files.readString(cpuacct.get().resolve("cpuacct.usage_percpu")).trim().split("\\s+")) {
                if (!value.isEmpty()) {
                    perCpu.add(Long.parseLong(value));
                }
            }
        }
        return Optional.of(new CgroupStats(
                memory.isPresent() ? optionalNumber(memory.get().resolve("memory.usage_in_bytes")).orElse(0) : 0,
                memory.isPresent() ? limit(memory.get().resolve("memory.limit_in_bytes"), V1_UNLIMITED) : OptionalLong.empty(),
                memoryStat.getOrDefault("total_cache", memoryStat.getOrDefault("cache", 0L)),
                memoryStat,
                cpuacct.isPresent() ? optionalNumber(cpuacct.get().resolve("cpuacct.usage")).orElse(0) : 0,
                cpuStat.getOrDefault("user", 0L) * NANOS_PER_TICK,
                cpuStat.getOrDefault("system", 0L) * NANOS_PER_TICK,
                perCpu,
                pids.isPresent() ? optionalNumber(pids.get().resolve("pids.current")).orElse(0) : 0,
                pids.isPresent() ? limit(pids.get().resolve("pids.max"), Long.MAX_VALUE) : OptionalLong.empty(),
                memory.isPresent() ? keyed(memory.get().resolve("memory.oom_control")).getOrDefault("oom_kill", 0L) : 0));
    }

    /** "key value" lines (memory.stat, cpu.stat, cpuacct.stat). */
    private static Map<String, Long> keyed(Path file) throws IOException {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                try {
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException notACounter) {
                    // a line that is not a plain counter (none today): leave it out
                }
            }
        }
        return values;
    }

    private static OptionalLong optionalNumber(Path file) throws IOException {
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(Files.readString(file).trim()));
    }

    /** A limit file: "max" (v2) or a value at least {@code unlimitedFrom} means no limit. */
    private static OptionalLong limit(Path file, long unlimitedFrom) throws IOException {
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        String text = Files.readString(file).trim();
        if (text.equals("max")) {
            return OptionalLong.empty();
        }
        long value = Long.parseLong(text);
        return value >= unlimitedFrom ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
