package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** Docker's HostConfig: how the container runs on this host (resources, privileges, mounts, restart policy). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("AutoRemove") boolean autoRemove,
        @JsonProperty("VolumesFrom") List<String> volumesFrom,
        @JsonProperty("CapAdd") List<String> capAdd,
        @JsonProperty("CapDrop") List<String> capDrop,
        @JsonProperty("Dns") List<String> dns,
        @JsonProperty("DnsOptions") List<String> dnsOptions,
        @JsonProperty("DnsSearch") List<String> dnsSearch,
        @JsonProperty("ExtraHosts") List<String> extraHosts,
        @JsonProperty("Links") List<String> links,
        @JsonProperty("IpcMode") String ipcMode,
        @JsonProperty("PidMode") String pidMode,
        @JsonProperty("UTSMode") String utsMode,
        @JsonProperty("Privileged") boolean privileged,
        @JsonProperty("ReadonlyRootfs") boolean readonlyRootfs,
        @JsonProperty("SecurityOpt") List<String> securityOpt,
        @JsonProperty("Tmpfs") Map<String, String> tmpfs,
        @JsonProperty("ShmSize") long shmSize,
        @JsonProperty("Sysctls") Map<String, String> sysctls,
        @JsonProperty("Runtime") String runtime,
        @JsonProperty("Init") Boolean init,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize,
        @JsonProperty("Memory") long memory,
        @JsonProperty("MemorySwap") long memorySwap,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("CpuShares") long cpuShares,
        @JsonProperty("CpuPeriod") long cpuPeriod,
        @JsonProperty("CpuQuota") long cpuQuota,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("Ulimits") List<Ulimit> ulimits,
        @JsonProperty("Devices") List<Device> devices,
        @JsonProperty("Mounts") List<JsonNode> mounts,
        @JsonProperty("LogConfig") JsonNode logConfig,
        @JsonProperty("OomKillDisable") Boolean oomKillDisable,
        @JsonProperty("PublishAllPorts") boolean publishAllPorts,
        @JsonProperty("MemoryReservation") long memoryReservation,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("BlkioWeight") int blkioWeight,
        @JsonProperty("KernelMemory") long kernelMemory) {

    public record PortBinding(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") String hostPort) {}

    public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") int maximumRetryCount) {
        public RestartPolicy {
            name = name == null ? "" : name;
        }
    }

    public record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") long soft, @JsonProperty("Hard") long hard) {}

    public record Device(@JsonProperty("PathOnHost") String pathOnHost, @JsonProperty("PathInContainer") String pathInContainer,
                         @JsonProperty("CgroupPermissions") String cgroupPermissions) {}

    public HostConfig {
        networkMode = networkMode == null || networkMode.isEmpty() || networkMode.equals("default") ? "bridge" : networkMode;
        restartPolicy = restartPolicy == null ? new RestartPolicy("no", 0) : restartPolicy;
        binds = binds == null ? List.of() : List.copyOf(binds);
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
        tmpfs = tmpfs == null ? Map.of() : Map.copyOf(tmpfs);
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
        devices = devices == null ? List.of() : List.copyOf(devices);
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        dns = dns == null ? List.of() : List.copyOf(dns);
        cpusetMems = cpusetMems == null ? "" : cpusetMems;
    }

    /** The settings of a container created with no HostConfig at all. */
    public static HostConfig defaults() {
        return new HostConfig(null, null, null, null, false, null, null, null, null, null, null, null, null, null, null, null,
                false, false, null, null, 0, null, null, null, null, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null, null, false,
                0, null, 0, 0);
    }
}
