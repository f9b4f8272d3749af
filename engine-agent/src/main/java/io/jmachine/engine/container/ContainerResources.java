package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Docker's container Resources (cgroups and ulimits), which HostConfig embeds and {@code docker update} changes;
 * field for field as moby's, lists as the client sent them. Zero means unset for every number.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ContainerResources(
        @JsonProperty("CpuShares") long cpuShares,
        @JsonProperty("Memory") long memory,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("CgroupParent") String cgroupParent,
        @JsonProperty("BlkioWeight") int blkioWeight,
        @JsonProperty("BlkioWeightDevice") List<JsonNode> blkioWeightDevice,
        @JsonProperty("BlkioDeviceReadBps") List<JsonNode> blkioDeviceReadBps,
        @JsonProperty("BlkioDeviceWriteBps") List<JsonNode> blkioDeviceWriteBps,
        @JsonProperty("BlkioDeviceReadIOps") List<JsonNode> blkioDeviceReadIOps,
        @JsonProperty("BlkioDeviceWriteIOps") List<JsonNode> blkioDeviceWriteIOps,
        @JsonProperty("CpuPeriod") long cpuPeriod,
        @JsonProperty("CpuQuota") long cpuQuota,
        @JsonProperty("CpuRealtimePeriod") long cpuRealtimePeriod,
        @JsonProperty("CpuRealtimeRuntime") long cpuRealtimeRuntime,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("Devices") List<HostConfig.Device> devices,
        @JsonProperty("DeviceCgroupRules") List<String> deviceCgroupRules,
        @JsonProperty("DeviceRequests") List<JsonNode> deviceRequests,
        @JsonProperty("KernelMemory") long kernelMemory,
        @JsonProperty("KernelMemoryTCP") long kernelMemoryTcp,
        @JsonProperty("MemoryReservation") long memoryReservation,
        @JsonProperty("MemorySwap") long memorySwap,
        @JsonProperty("MemorySwappiness") Long memorySwappiness,
        @JsonProperty("OomKillDisable") Boolean oomKillDisable,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("Ulimits") List<HostConfig.Ulimit> ulimits,
        @JsonProperty("CpuCount") long cpuCount,
        @JsonProperty("CpuPercent") long cpuPercent,
        @JsonProperty("IOMaximumIOps") long ioMaximumIops,
        @JsonProperty("IOMaximumBandwidth") long ioMaximumBandwidth) {

    public static final ContainerResources NONE = new ContainerResources(0, 0, 0, null, 0, null, null, null, null, null, 0, 0, 0, 0,
            null, null, null, null, null, 0, 0, 0, 0, null, null, null, null, 0, 0, 0, 0);

    public ContainerResources {
        cgroupParent = cgroupParent == null ? "" : cgroupParent;
        cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
        cpusetMems = cpusetMems == null ? "" : cpusetMems;
    }
}
