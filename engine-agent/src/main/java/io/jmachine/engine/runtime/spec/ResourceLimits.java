package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.List;

/**
 * Docker's resource options in OCI terms, validated with Docker's messages (daemon_unix.go
 * verifyPlatformContainerResources): memory and swap, CFS quota from --cpus, shares, cpuset, pids, rlimits.
 */
final class ResourceLimits {

    /** Docker's linuxMinMemory. */
    static final long MIN_MEMORY = 6 * 1024 * 1024;
    /** The CFS period Docker uses for --cpus, in µs. */
    static final long CPU_PERIOD = 100_000;
    /** Docker's RLIMIT_NOFILE for containers, when the engine's own hard limit allows it. */
    static final long DOCKER_NOFILE = 1_048_576;

    private final EngineHost host;

    ResourceLimits(EngineHost host) {
        this.host = host;
    }

    /** @throws EngineException INVALID, for limits Docker refuses */
    OciSpec.Resources translate(Resources r, List<OciSpec.DeviceRule> deviceRules) {
        validate(r);
        return new OciSpec.Resources(deviceRules, memory(r), cpu(r), r.pidsLimit() > 0 ? new OciSpec.Pids(r.pidsLimit()) : null);
    }

    /** The rlimits: the given ulimits, and RLIMIT_NOFILE as Docker's unless one was given. */
    List<OciSpec.Rlimit> rlimits(List<Ulimit> ulimits) {
        List<OciSpec.Rlimit> rlimits = new ArrayList<>();
        for (Ulimit ulimit : ulimits) {
            rlimits.add(new OciSpec.Rlimit(ulimit.rlimitType(), ulimit.hard(), ulimit.soft()));
        }
        if (ulimits.stream().noneMatch(u -> u.name().equals("nofile"))) {
            // raising a hard limit needs CAP_SYS_RESOURCE, which the engine may lack: stay within its own
            long nofile = Math.min(DOCKER_NOFILE, host.nofileHardLimit());
            rlimits.add(new OciSpec.Rlimit("RLIMIT_NOFILE", nofile, nofile));
        }
        return rlimits;
    }

    private OciSpec.Memory memory(Resources r) {
        if (r.memory() <= 0 && r.memoryReservation() <= 0 && r.memorySwap() == 0 && r.memorySwappiness() == null && !r.oomKillDisable()) {
            return null;
        }
        Long limit = r.memory() > 0 ? r.memory() : null;
        Long swap = null;
        if (host.swapAccounting()) {
            if (r.memorySwap() == -1) {
                swap = -1L;
            } else if (r.memorySwap() > 0) {
                swap = r.memorySwap();
            } else if (r.memory() > 0) {
                // Docker's default: as much swap as memory
                swap = 2 * r.memory();
            }
        }
        Long reservation = r.memoryReservation() > 0 ? r.memoryReservation() : null;
        return new OciSpec.Memory(limit, swap, reservation, r.memorySwappiness(), r.oomKillDisable() ? Boolean.TRUE : null);
    }

    private static OciSpec.Cpu cpu(Resources r) {
        Long shares = r.cpuShares() > 0 ? r.cpuShares() : null;
        Long quota = null;
        Long period = null;
        if (r.nanoCpus() > 0) {
            period = CPU_PERIOD;
            quota = r.nanoCpus() * CPU_PERIOD / 1_000_000_000L;
        } else {
            if (r.cpuPeriod() > 0) {
                period = r.cpuPeriod();
            }
            if (r.cpuQuota() > 0) {
                quota = r.cpuQuota();
            }
        }
        if (shares == null && quota == null && period == null && r.cpusetCpus() == null && r.cpusetMems() == null) {
            return null;
        }
        return new OciSpec.Cpu(shares, quota, period, r.cpusetCpus(), r.cpusetMems());
    }

    private void validate(Resources r) {
        if (r.memory() != 0 && r.memory() < MIN_MEMORY) {
            throw EngineException.invalid("Minimum memory limit allowed is 6MB");
        }
        if (r.memory() > 0 && r.memorySwap() > 0 && r.memorySwap() < r.memory()) {
            throw EngineException.invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (r.memory() == 0 && r.memorySwap() > 0) {
            throw EngineException.invalid("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (r.memory() > 0 && r.memoryReservation() > 0 && r.memory() < r.memoryReservation()) {
            throw EngineException.invalid("Minimum memory limit can not be less than memory reservation limit, see usage");
        }
        if (r.nanoCpus() > 0 && r.cpuPeriod() > 0) {
            throw EngineException.invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }
        if (r.nanoCpus() > 0 && r.cpuQuota() > 0) {
            throw EngineException.invalid("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        }
        if (r.nanoCpus() < 0 || r.nanoCpus() > host.onlineCpus() * 1_000_000_000L) {
            throw EngineException.invalid("Range of CPUs is from 0.01 to " + host.onlineCpus() + ".00, as there are only "
                    + host.onlineCpus() + " CPUs available");
        }
        if (r.cpuPeriod() != 0 && (r.cpuPeriod() < 1000 || r.cpuPeriod() > 1_000_000)) {
            throw EngineException.invalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        }
        if (r.cpuQuota() > 0 && r.cpuQuota() < 1000) {
            throw EngineException.invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
    }
}
