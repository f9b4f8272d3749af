package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.cgroup.CgroupFeatures;
import io.jmachine.engine.runtime.cgroup.CpuList;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /containers/{id}/update}, moby's UpdateConfig: the Resources to change (zero, empty or
 * absent leaves one as it is) and the restart policy. Other HostConfig fields are ignored, as dockerd ignores them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UpdateConfig(
        @JsonProperty("CpuShares") long cpuShares,
        @JsonProperty("Memory") long memory,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("BlkioWeight") int blkioWeight,
        @JsonProperty("CpuPeriod") long cpuPeriod,
        @JsonProperty("CpuQuota") long cpuQuota,
        @JsonProperty("CpuRealtimePeriod") long cpuRealtimePeriod,
        @JsonProperty("CpuRealtimeRuntime") long cpuRealtimeRuntime,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("KernelMemory") long kernelMemory,
        @JsonProperty("MemoryReservation") long memoryReservation,
        @JsonProperty("MemorySwap") long memorySwap,
        @JsonProperty("MemorySwappiness") Long memorySwappiness,
        @JsonProperty("OomKillDisable") Boolean oomKillDisable,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("CpuPercent") long cpuPercent,
        @JsonProperty("IOMaximumIOps") long ioMaximumIops,
        @JsonProperty("IOMaximumBandwidth") long ioMaximumBandwidth,
        @JsonProperty("RestartPolicy") HostConfig.RestartPolicy restartPolicy) {

    /** Docker's linuxMinMemory. */
    static final long MIN_MEMORY = 6 * 1024 * 1024;

    public UpdateConfig {
        cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
        cpusetMems = cpusetMems == null ? "" : cpusetMems;
        restartPolicy = restartPolicy == null ? new HostConfig.RestartPolicy("", 0) : restartPolicy;
        // 0 and -1 (any negative value, historically) both lift the limit, as dockerd's router reads them
        pidsLimit = pidsLimit != null && pidsLimit <= 0 ? Long.valueOf(0) : pidsLimit;
        // dockerd's fixMemorySwappiness: -1 is the kernel's default, as if none was given
        memorySwappiness = memorySwappiness != null && memorySwappiness == -1 ? null : memorySwappiness;
    }

    /** The request after dockerd's checks: what is left of it, and dockerd's warnings about what was dropped. */
    record Verified(UpdateConfig config, List<String> warnings) {}

    /**
     * dockerd's validateRestartPolicy and verifyPlatformContainerResources (update mode), in their order, with their
     * words: a 400 for what it refuses, a warning for what the host cannot do, which is then left out.
     */
    Verified verify(CgroupFeatures host, int onlineCpus) {
        validateRestartPolicy();
        List<String> warnings = new ArrayList<>();
        long swap = memorySwap;
        Long swappiness = memorySwappiness;
        long kernel = kernelMemory;
        Boolean oomOff = oomKillDisable;
        long percent = cpuPercent;
        int weight = blkioWeight;
        if (memory != 0 && memory < MIN_MEMORY) {
            throw EngineException.invalid("Minimum memory limit allowed is 6MB");
        }
        if (memory > 0 && swap != -1 && !host.swapLimit()) {
            warnings.add("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
            swap = -1;
        }
        if (memory > 0 && swap > 0 && swap < memory) {
            throw EngineException.invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (swappiness != null && !host.memorySwappiness()) {
            warnings.add("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.");
            swappiness = null;
        }
        if (swappiness != null && (swappiness < 0 || swappiness > 100)) {
            throw EngineException.invalid("Invalid value: " + swappiness + ", valid memory swappiness range is 0-100");
        }
        if (memoryReservation > 0 && memoryReservation < MIN_MEMORY) {
            throw EngineException.invalid("Minimum memory reservation allowed is 6MB");
        }
        if (memory > 0 && memoryReservation > 0 && memory < memoryReservation) {
            throw EngineException.invalid("Minimum memory limit can not be less than memory reservation limit, see usage");
        }
        if (kernel > 0) {
            warnings.add("Specifying a kernel memory limit is deprecated and will be removed in a future release.");
        }
        if (kernel > 0 && !host.kernelMemory()) {
            warnings.add("Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. Limitation discarded.");
            kernel = 0;
        }
        if (kernel > 0 && kernel < MIN_MEMORY) {
            throw EngineException.invalid("Minimum kernel memory limit allowed is 6MB");
        }
        if (oomOff != null && !host.oomKillDisable()) {
            if (oomOff) {
                warnings.add("Your kernel does not support OomKillDisable. OomKillDisable discarded.");
            }
            oomOff = null;
        }
        if (oomOff != null && oomOff && memory == 0) {
            warnings.add("OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.");
        }
        verifyCpu(onlineCpus);
        if (percent > 0) {
            warnings.add("linux does not support CPU percent. Percent discarded.");
            percent = 0;
        }
        verifyCpuset(cpusetCpus, host.cpus(), "cpus", "CPUs");
        verifyCpuset(cpusetMems, host.mems(), "mems", "memory nodes");
        if (weight > 0 && !host.blkioWeight()) {
            warnings.add("Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.");
            weight = 0;
        }
        if (weight > 0 && (weight < 10 || weight > 1000)) {
            throw EngineException.invalid("Range of blkio weight is from 10 to 1000");
        }
        if (ioMaximumBandwidth != 0 || ioMaximumIops != 0) {
            throw EngineException.invalid("Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps");
        }
        // what dockerd would apply and the engine cannot keep: refused by name rather than dropped
        if (weight > 0) {
            throw EngineException.invalid("BlkioWeight cannot be updated: jmachine-engine does not give containers a block I/O weight");
        }
        if (cpuRealtimePeriod != 0 || cpuRealtimeRuntime != 0) {
            throw EngineException.invalid("CpuRealtimePeriod and CpuRealtimeRuntime cannot be updated: jmachine-engine does not give "
                    + "containers a real-time CPU budget");
        }
        UpdateConfig verified = new UpdateConfig(cpuShares, memory, nanoCpus, weight, cpuPeriod, cpuQuota, cpuRealtimePeriod,
                cpuRealtimeRuntime, cpusetCpus, cpusetMems, kernel, memoryReservation, swap, swappiness, oomOff, pidsLimit, percent,
                ioMaximumIops, ioMaximumBandwidth, restartPolicy);
        return new Verified(verified, List.copyOf(warnings));
    }

    private void validateRestartPolicy() {
        String name = restartPolicy.name();
        switch (name) {
            case "always", "unless-stopped", "no" -> {
                if (restartPolicy.maximumRetryCount() != 0) {
                    throw EngineException.invalid("maximum retry count cannot be used with restart policy '" + name + "'");
                }
            }
            case "on-failure" -> {
                if (restartPolicy.maximumRetryCount() < 0) {
                    throw EngineException.invalid("maximum retry count cannot be negative");
                }
            }
            case "" -> { }
            default -> throw EngineException.invalid("invalid restart policy '" + name + "'");
        }
    }

    private void verifyCpu(int onlineCpus) {
        if (nanoCpus > 0 && cpuPeriod > 0) {
            throw EngineException.invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if (nanoCpus > 0 && cpuQuota > 0) {
            throw EngineException.invalid("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        }
        if (nanoCpus < 0 || nanoCpus > onlineCpus * 1_000_000_000L) {
            throw EngineException.invalid("Range of CPUs is from 0.01 to " + onlineCpus + ".00, as there are only " + onlineCpus
                    + " CPUs available");
        }
        if (cpuPeriod != 0 && (cpuPeriod < 1000 || cpuPeriod > 1_000_000)) {
            throw EngineException.invalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        }
        if (cpuQuota > 0 && cpuQuota < 1000) {
            throw EngineException.invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
    }

    private static void verifyCpuset(String requested, CpuList available, String kind, String what) {
        if (requested.isEmpty()) {
            return;
        }
        CpuList wanted;
        try {
            wanted = CpuList.parse(requested);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("Invalid value " + requested + " for cpuset " + kind + ": " + e.getMessage());
        }
        if (!available.containsAll(wanted)) {
            throw EngineException.invalid("Requested " + what + " are not available - requested " + requested + ", available: "
                    + available.text());
        }
    }
}
