package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.runtime.ResourceUpdate;
import io.jmachine.engine.runtime.cgroup.CgroupFeatures;

import java.io.IOException;
import java.util.List;

/**
 * {@code docker update}: a container's restart policy and cgroup limits, checked as dockerd 20.10 checks them,
 * applied at once to a running or paused container through the runtime ({@code runc update}) and kept in its
 * HostConfig for inspect and the next start. A restarting or stopped container takes them at its next start.
 */
public final class ContainerUpdates {

    /** The CFS period dockerd uses for NanoCpus, in µs. */
    private static final long NANO_CPUS_PERIOD = 100_000;

    private final ContainerService containers;
    private final EventBus events;
    private final CgroupFeatures host;
    private final int onlineCpus;
    private final ObjectMapper json;

    /** @param json the mapper container records are stored with, which reads a HostConfig by Docker's field names */
    public ContainerUpdates(ContainerService containers, EventBus events, CgroupFeatures host, int onlineCpus, ObjectMapper json) {
        this.containers = containers;
        this.events = events;
        this.host = host;
        this.onlineCpus = onlineCpus;
        this.json = json;
    }

    /** @return dockerd's warnings about what the host could not take; null when none, as dockerd answers */
    public List<String> update(String idOrName, UpdateConfig request) {
        String id = containers.store().resolve(idOrName).id();
        UpdateConfig.Verified verified = request.verify(host, onlineCpus);
        UpdateConfig change = verified.config();
        ContainerRecord record;
        synchronized (containers.runner().lock(id)) {
            record = containers.store().resolve(id);
            HostConfig updated = merged(record, change);
            // a restarting container has no process to change: its next start reads the new HostConfig
            if (record.state().running()) {
                try {
                    containers.processes().updateResources(id, runtimeResources(change, updated));
                } catch (IOException e) {
                    throw EngineException.internal("Cannot update container " + id + ": " + e.getMessage());
                }
            }
            record = record.withHostConfig(updated);
            containers.store().save(record);
        }
        events.publish("container", "update", id, record.eventAttributes());
        return verified.warnings().isEmpty() ? null : verified.warnings();
    }

    /** dockerd's Container.UpdateContainer: the stored HostConfig with the request's non-zero values, or a 409. */
    private HostConfig merged(ContainerRecord record, UpdateConfig r) {
        HostConfig stored = record.hostConfig();
        if (r.nanoCpus() > 0 && stored.cpuPeriod() > 0) {
            throw conflict(record, "Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
        }
        if (r.nanoCpus() > 0 && stored.cpuQuota() > 0) {
            throw conflict(record, "Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set");
        }
        if (r.cpuPeriod() > 0 && stored.nanoCpus() > 0) {
            throw conflict(record, "Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
        }
        if (r.cpuQuota() > 0 && stored.nanoCpus() > 0) {
            throw conflict(record, "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
        }
        ObjectNode tree = json.valueToTree(stored);
        if (r.blkioWeight() != 0) {
            tree.put("BlkioWeight", r.blkioWeight());
        }
        if (r.cpuShares() != 0) {
            tree.put("CpuShares", r.cpuShares());
        }
        if (r.nanoCpus() != 0) {
            tree.put("NanoCpus", r.nanoCpus());
        }
        if (r.cpuPeriod() != 0) {
            tree.put("CpuPeriod", r.cpuPeriod());
        }
        if (r.cpuQuota() != 0) {
            tree.put("CpuQuota", r.cpuQuota());
        }
        if (!r.cpusetCpus().isEmpty()) {
            tree.put("CpusetCpus", r.cpusetCpus());
        }
        if (!r.cpusetMems().isEmpty()) {
            tree.put("CpusetMems", r.cpusetMems());
        }
        if (r.memory() != 0) {
            if (r.memory() > effectiveSwap(stored) && r.memorySwap() == 0) {
                throw conflict(record, "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
            }
            tree.put("Memory", r.memory());
        }
        if (r.memorySwap() != 0) {
            tree.put("MemorySwap", r.memorySwap());
        }
        if (r.memoryReservation() != 0) {
            tree.put("MemoryReservation", r.memoryReservation());
        }
        if (r.kernelMemory() != 0) {
            tree.put("KernelMemory", r.kernelMemory());
        }
        if (r.pidsLimit() != null) {
            tree.put("PidsLimit", r.pidsLimit());
        }
        if (!r.restartPolicy().name().isEmpty()) {
            String name = r.restartPolicy().name();
            if (stored.autoRemove() && !name.equals("no")) {
                throw conflict(record, "Restart policy cannot be updated because AutoRemove is enabled for the container");
            }
            tree.set("RestartPolicy", json.valueToTree(r.restartPolicy()));
        }
        try {
            return json.treeToValue(tree, HostConfig.class);
        } catch (IOException e) {
            throw new IllegalStateException("the updated HostConfig of " + record.id() + " does not read back: " + e.getMessage(), e);
        }
    }

    /**
     * The memory-plus-swap limit the container has: what was set, or, for a memory limit given alone, twice it,
     * which is what dockerd stores and the engine applies at create.
     */
    private static long effectiveSwap(HostConfig stored) {
        return stored.memorySwap() == 0 && stored.memory() > 0 ? 2 * stored.memory() : stored.memorySwap();
    }

    private static EngineException conflict(ContainerRecord record, String why) {
        return EngineException.conflict("Cannot update container " + record.id() + ": " + why);
    }

    /**
     * What changes, in the runtime's terms, as dockerd hands it to containerd: the request's values, what it left
     * unset left out (the runtime then keeps the cgroup's value). Unlike dockerd, a swap limit goes with the memory
     * limit it belongs to (cgroup v2 cannot take one alone), and -1 (unlimited swap) is applied, not only stored.
     */
    private ResourceUpdate runtimeResources(UpdateConfig change, HostConfig target) {
        Long limit = change.memory() > 0 ? Long.valueOf(change.memory()) : change.memorySwap() != 0 ? positive(target.memory()) : null;
        Long swap = change.memorySwap() != 0 && host.swapLimit() ? change.memorySwap() : null;
        ResourceUpdate.Memory memory = new ResourceUpdate.Memory(limit, positive(change.memoryReservation()), swap, null);
        Long period = positive(change.cpuPeriod());
        Long quota = change.cpuQuota() != 0 ? change.cpuQuota() : null;
        if (change.nanoCpus() > 0) {
            period = NANO_CPUS_PERIOD;
            quota = change.nanoCpus() * NANO_CPUS_PERIOD / 1_000_000_000L;
        }
        // as dockerd converts it: a negative share count reaches the runtime as a huge one, which it refuses by name
        Number shares = change.cpuShares() == 0 ? null
                : change.cpuShares() > 0 ? (Number) change.cpuShares() : new java.math.BigInteger(Long.toUnsignedString(change.cpuShares()));
        ResourceUpdate.Cpu cpu = new ResourceUpdate.Cpu(shares, quota, period, emptyToNull(change.cpusetCpus()), emptyToNull(change.cpusetMems()));
        ResourceUpdate.Pids pids = change.pidsLimit() == null ? null : new ResourceUpdate.Pids(change.pidsLimit() > 0 ? change.pidsLimit() : -1);
        ResourceUpdate.BlockIo blockIo = change.blkioWeight() > 0 ? new ResourceUpdate.BlockIo(change.blkioWeight()) : null;
        return new ResourceUpdate(memory, cpu, pids, blockIo);
    }

    private static Long positive(long value) {
        return value > 0 ? value : null;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
