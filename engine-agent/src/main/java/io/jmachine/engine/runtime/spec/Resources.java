package io.jmachine.engine.runtime.spec;

import java.util.List;

/**
 * Docker's HostConfig resources as the engine receives them. Zero means "not set" for every number, as in
 * the API; memorySwap -1 means unlimited swap; pidsLimit 0 or -1 means unlimited.
 *
 * @param memory            bytes ({@code -m})
 * @param memorySwap        memory plus swap in bytes ({@code --memory-swap}), -1 unlimited
 * @param memoryReservation soft limit in bytes
 * @param nanoCpus          CPUs × 10⁹ ({@code --cpus 0.5} = 500000000)
 * @param cpuShares         relative weight ({@code -c})
 * @param cpuPeriod         CFS period in µs ({@code --cpu-period})
 * @param cpuQuota          CFS quota in µs ({@code --cpu-quota})
 * @param cpusetCpus        e.g. {@code 0-1}
 * @param cpusetMems        e.g. {@code 0}
 * @param pidsLimit         maximum number of tasks
 * @param ulimits           {@code --ulimit} values
 * @param memorySwappiness  0-100, null for the kernel's (cgroup v1)
 * @param oomKillDisable    no OOM killer in the cgroup (cgroup v1)
 */
public record Resources(long memory, long memorySwap, long memoryReservation, long nanoCpus, long cpuShares, long cpuPeriod,
                        long cpuQuota, String cpusetCpus, String cpusetMems, long pidsLimit, List<Ulimit> ulimits,
                        Long memorySwappiness, boolean oomKillDisable) {

    public static final Resources NONE = new Resources(0, 0, 0, 0, 0, 0, 0, null, null, 0, List.of());

    public Resources(long memory, long memorySwap, long memoryReservation, long nanoCpus, long cpuShares, long cpuPeriod,
                     long cpuQuota, String cpusetCpus, String cpusetMems, long pidsLimit, List<Ulimit> ulimits) {
        this(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                null, false);
    }

    public Resources {
        cpusetCpus = cpusetCpus == null || cpusetCpus.isBlank() ? null : cpusetCpus;
        cpusetMems = cpusetMems == null || cpusetMems.isBlank() ? null : cpusetMems;
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
    }

    public Resources withMemory(long memory, long memorySwap) {
        return new Resources(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                memorySwappiness, oomKillDisable);
    }

    public Resources withNanoCpus(long nanoCpus) {
        return new Resources(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                memorySwappiness, oomKillDisable);
    }

    public Resources withCpuShares(long cpuShares) {
        return new Resources(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                memorySwappiness, oomKillDisable);
    }

    public Resources withCpuQuota(long cpuPeriod, long cpuQuota) {
        return new Resources(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                memorySwappiness, oomKillDisable);
    }

    public Resources withCpuset(String cpusetCpus, String cpusetMems) {
        return new Resources(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                memorySwappiness, oomKillDisable);
    }

    public Resources withPidsLimit(long pidsLimit) {
        return new Resources(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                memorySwappiness, oomKillDisable);
    }

    public Resources withUlimits(List<Ulimit> ulimits) {
        return new Resources(memory, memorySwap, memoryReservation, nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems, pidsLimit, ulimits,
                memorySwappiness, oomKillDisable);
    }
}
