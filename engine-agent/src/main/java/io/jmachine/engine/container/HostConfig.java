package io.jmachine.engine.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * Docker's HostConfig: how the container runs on this host (resources, privileges, mounts, restart policy), field
 * for field as moby's api/types/container/host_config.go, so that inspect shows what dockerd shows. Lists and maps
 * stay as the client sent them (null or empty, which inspect tells apart as dockerd does); {@link CreateSettings}
 * fills dockerd's defaults at create and refuses what the engine cannot honour. Annotations (API 1.43) go to the OCI
 * spec, as newer dockerd passes them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("ContainerIDFile") String containerIdFile,
        @JsonProperty("LogConfig") LogConfig logConfig,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("AutoRemove") boolean autoRemove,
        @JsonProperty("VolumeDriver") String volumeDriver,
        @JsonProperty("VolumesFrom") List<String> volumesFrom,
        @JsonProperty("CapAdd") List<String> capAdd,
        @JsonProperty("CapDrop") List<String> capDrop,
        @JsonProperty("CgroupnsMode") String cgroupnsMode,
        @JsonProperty("Dns") List<String> dns,
        @JsonProperty("DnsOptions") List<String> dnsOptions,
        @JsonProperty("DnsSearch") List<String> dnsSearch,
        @JsonProperty("ExtraHosts") List<String> extraHosts,
        @JsonProperty("GroupAdd") List<String> groupAdd,
        @JsonProperty("IpcMode") String ipcMode,
        @JsonProperty("Cgroup") String cgroup,
        @JsonProperty("Links") List<String> links,
        @JsonProperty("OomScoreAdj") int oomScoreAdj,
        @JsonProperty("PidMode") String pidMode,
        @JsonProperty("Privileged") boolean privileged,
        @JsonProperty("PublishAllPorts") boolean publishAllPorts,
        @JsonProperty("ReadonlyRootfs") boolean readonlyRootfs,
        @JsonProperty("SecurityOpt") List<String> securityOpt,
        @JsonProperty("StorageOpt") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> storageOpt,
        @JsonProperty("Tmpfs") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> tmpfs,
        @JsonProperty("UTSMode") String utsMode,
        @JsonProperty("UsernsMode") String usernsMode,
        @JsonProperty("ShmSize") long shmSize,
        @JsonProperty("Sysctls") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> sysctls,
        @JsonProperty("Runtime") @JsonInclude(JsonInclude.Include.NON_EMPTY) String runtime,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize,
        @JsonProperty("Isolation") String isolation,
        @JsonUnwrapped ContainerResources resources,
        @JsonProperty("Mounts") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JsonNode> mounts,
        @JsonProperty("MaskedPaths") List<String> maskedPaths,
        @JsonProperty("ReadonlyPaths") List<String> readonlyPaths,
        @JsonProperty("Init") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean init,
        @JsonProperty("Annotations") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations) {

    public record PortBinding(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") String hostPort) {}

    public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") int maximumRetryCount) {
        public RestartPolicy {
            name = name == null ? "" : name;
        }
    }

    /** The log driver and its options; dockerd's json-file when the client names none. */
    public record LogConfig(@JsonProperty("Type") String type, @JsonProperty("Config") Map<String, String> config) {
        public static final String JSON_FILE = "json-file";

        /** go-units' RAMInBytes, which dockerd reads max-size with. */
        private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("^(\\d+(\\.\\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$");

        public LogConfig {
            type = type == null || type.isEmpty() ? JSON_FILE : type;
            config = config == null ? Map.of() : Map.copyOf(config);
        }

        /** Whether the engine keeps the container's output (not with the none driver, as dockerd). */
        public boolean keepsLogs() {
            return !type.equals("none");
        }

        /** max-size in bytes: 0 when unset, -1 when it cannot be read. */
        public long maxSizeBytes() {
            String value = config.get("max-size");
            if (value == null || value.isEmpty() || value.equals("-1")) {
                return 0;
            }
            java.util.regex.Matcher m = SIZE.matcher(value);
            if (!m.matches()) {
                return -1;
            }
            double number = Double.parseDouble(m.group(1));
            int power = m.group(3) == null ? 0 : "kmgtp".indexOf(Character.toLowerCase(m.group(3).charAt(0))) + 1;
            return (long) (number * Math.pow(1024, power));
        }
    }

    public record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") long soft, @JsonProperty("Hard") long hard) {}

    public record Device(@JsonProperty("PathOnHost") String pathOnHost, @JsonProperty("PathInContainer") String pathInContainer,
                         @JsonProperty("CgroupPermissions") String cgroupPermissions) {}

    public HostConfig {
        containerIdFile = orEmpty(containerIdFile);
        logConfig = logConfig == null ? new LogConfig(null, null) : logConfig;
        networkMode = networkMode == null || networkMode.isEmpty() || networkMode.equals("default") ? "bridge" : networkMode;
        restartPolicy = restartPolicy == null ? new RestartPolicy("", 0) : restartPolicy;
        volumeDriver = orEmpty(volumeDriver);
        cgroupnsMode = orEmpty(cgroupnsMode);
        ipcMode = orEmpty(ipcMode);
        cgroup = orEmpty(cgroup);
        pidMode = orEmpty(pidMode);
        utsMode = orEmpty(utsMode);
        usernsMode = orEmpty(usernsMode);
        runtime = orEmpty(runtime);
        consoleSize = consoleSize == null || consoleSize.size() != 2 ? List.of(0, 0) : List.copyOf(consoleSize);
        isolation = orEmpty(isolation);
        resources = resources == null ? ContainerResources.NONE : resources;
    }

    /** The same with other legacy links; none is null, as dockerd shows it. */
    public HostConfig withLinks(List<String> newLinks) {
        return new HostConfig(binds, containerIdFile, logConfig, networkMode, portBindings, restartPolicy, autoRemove, volumeDriver,
                volumesFrom, capAdd, capDrop, cgroupnsMode, dns, dnsOptions, dnsSearch, extraHosts, groupAdd, ipcMode, cgroup,
                newLinks == null || newLinks.isEmpty() ? null : List.copyOf(newLinks),
                oomScoreAdj, pidMode, privileged, publishAllPorts, readonlyRootfs, securityOpt, storageOpt, tmpfs, utsMode, usernsMode,
                shmSize, sysctls, runtime, consoleSize, isolation, resources, mounts, maskedPaths, readonlyPaths, init, annotations);
    }

    /** The settings of a container created with no HostConfig at all. */
    public static HostConfig defaults() {
        return new HostConfig(null, null, null, null, null, null, false, null, null, null, null, null, null, null, null, null, null,
                null, null, null, 0, null, false, false, false, null, null, null, null, null, 0, null, null, null, null, null, null,
                null, null, null, null);
    }

    public long memory() {
        return resources.memory();
    }

    public long memorySwap() {
        return resources.memorySwap();
    }

    public long nanoCpus() {
        return resources.nanoCpus();
    }

    public long cpuShares() {
        return resources.cpuShares();
    }

    public long cpuPeriod() {
        return resources.cpuPeriod();
    }

    public long cpuQuota() {
        return resources.cpuQuota();
    }

    public String cpusetCpus() {
        return resources.cpusetCpus();
    }

    public Long pidsLimit() {
        return resources.pidsLimit();
    }

    public List<Ulimit> ulimits() {
        return resources.ulimits() == null ? List.of() : resources.ulimits();
    }

    public List<Device> devices() {
        return resources.devices() == null ? List.of() : resources.devices();
    }

    public HostConfig withResources(ContainerResources newResources) {
        return new HostConfig(binds, containerIdFile, logConfig, networkMode, portBindings, restartPolicy, autoRemove, volumeDriver,
                volumesFrom, capAdd, capDrop, cgroupnsMode, dns, dnsOptions, dnsSearch, extraHosts, groupAdd, ipcMode, cgroup, links,
                oomScoreAdj, pidMode, privileged, publishAllPorts, readonlyRootfs, securityOpt, storageOpt, tmpfs, utsMode, usernsMode,
                shmSize, sysctls, runtime, consoleSize, isolation, newResources, mounts, maskedPaths, readonlyPaths, init, annotations);
    }

    public HostConfig withRestartPolicy(RestartPolicy newRestartPolicy) {
        return new HostConfig(binds, containerIdFile, logConfig, networkMode, portBindings, newRestartPolicy, autoRemove, volumeDriver,
                volumesFrom, capAdd, capDrop, cgroupnsMode, dns, dnsOptions, dnsSearch, extraHosts, groupAdd, ipcMode, cgroup, links,
                oomScoreAdj, pidMode, privileged, publishAllPorts, readonlyRootfs, securityOpt, storageOpt, tmpfs, utsMode, usernsMode,
                shmSize, sysctls, runtime, consoleSize, isolation, resources, mounts, maskedPaths, readonlyPaths, init, annotations);
    }

    /** The namespace, shm, runtime and path defaults dockerd fills in at create (adaptContainerSettings). */
    HostConfig withCreateDefaults(String newNetworkMode, String newIpcMode, String newCgroupnsMode, long newShmSize, String newRuntime,
                                  List<String> newMaskedPaths, List<String> newReadonlyPaths) {
        return new HostConfig(binds, containerIdFile, logConfig, newNetworkMode, portBindings, restartPolicy, autoRemove, volumeDriver,
                volumesFrom, capAdd, capDrop, newCgroupnsMode, dns, dnsOptions, dnsSearch, extraHosts, groupAdd, newIpcMode, cgroup, links,
                oomScoreAdj, pidMode, privileged, publishAllPorts, readonlyRootfs, securityOpt, storageOpt, tmpfs, utsMode, usernsMode,
                newShmSize, sysctls, newRuntime, consoleSize, isolation, resources, mounts, newMaskedPaths, newReadonlyPaths, init, annotations);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
