package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.spec.DockerDefaults;
import io.jmachine.engine.runtime.spec.OciSpecFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A create request's HostConfig as dockerd leaves it (verifyContainerSettings, adaptContainerSettings): its defaults
 * filled in, what this host cannot apply discarded with dockerd's warning, and every field the engine cannot
 * honour refused with a 400 that names it, so that nothing a client sends is silently ignored.
 *
 * <p>Fields of moby v20.10's Config and HostConfig, and what the engine does with them (honoured unless said):
 * <pre>
 * Config      Hostname Domainname User Attach* ExposedPorts Tty OpenStdin StdinOnce Env Cmd Healthcheck Image Volumes
 *             WorkingDir Entrypoint Labels StopSignal StopTimeout; NetworkDisabled (no network, as mode none);
 *             MacAddress (the default bridge's interface); OnBuild Shell ArgsEscaped (kept: image metadata)
 * HostConfig  Binds ContainerIDFile (the client's) LogConfig (json-file, local: the engine's log, max-size, max-file,
 *             compress; none: no log) NetworkMode PortBindings RestartPolicy AutoRemove VolumeDriver ("" or local)
 *             VolumesFrom CapAdd CapDrop CgroupnsMode (host, private) Dns DnsOptions DnsSearch ExtraHosts GroupAdd
 *             IpcMode (private, shareable, host) Links (hosts and environment) OomScoreAdj PidMode (host) Privileged
 *             PublishAllPorts ReadonlyRootfs SecurityOpt Tmpfs UTSMode (host) UsernsMode (host: no remapping here)
 *             ShmSize Sysctls Runtime (the engine's) ConsoleSize Isolation (default) Mounts MaskedPaths ReadonlyPaths Init
 *             Annotations (API 1.43: the OCI spec's)
 * Resources   CpuShares Memory NanoCpus CpuPeriod CpuQuota CpusetCpus CpusetMems Devices DeviceCgroupRules
 *             MemoryReservation MemorySwap PidsLimit Ulimits; MemorySwappiness, OomKillDisable (cgroup v1; v2 discards
 *             them with dockerd's warning); KernelMemory, KernelMemoryTCP (discarded with dockerd's warning)
 * Refused     StorageOpt, Cgroup, CgroupParent, Blkio*, CpuRealtime*, DeviceRequests, CpuCount, CpuPercent, IOMaximum*,
 *             IpcMode none and container:, PidMode container:, UTSMode and UsernsMode other than host, other runtimes,
 *             log drivers other than json-file, local and none, log options the engine does not apply
 * </pre>
 */
final class CreateSettings {

    static final Set<String> LOG_DRIVERS = Set.of(HostConfig.LogConfig.JSON_FILE, "local", "none");
    /** dockerd's other built-in drivers: refused by name rather than looked up as plugins. */
    private static final Set<String> OTHER_DOCKER_LOG_DRIVERS = Set.of("syslog", "journald", "gelf", "fluentd", "awslogs", "splunk",
            "etwlogs", "gcplogs", "logentries");
    /** The options of json-file and local the engine applies (max-file and compress: it keeps one file). */
    private static final Set<String> LOG_OPTIONS = Set.of("max-size", "max-file", "compress");
    private static final Set<String> JSON_FILE_OPTIONS = Set.of("max-file", "max-size", "compress", "labels", "labels-regex", "env",
            "env-regex", "tag");
    private static final Pattern MAC_ADDRESS = Pattern.compile("^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$");
    private static final long DEFAULT_SHM_SIZE = 64L * 1024 * 1024;

    private CreateSettings() {
    }

    /**
     * @param warnings gets dockerd's warnings for what was discarded
     * @throws EngineException INVALID, naming the first field the engine cannot honour
     */
    static HostConfig adapt(ContainerConfig config, HostConfig host, HostDefaults defaults, List<String> warnings) {
        checkLogConfig(host.logConfig());
        refuseUnsupported(host);
        ContainerResources resources = adaptResources(host.resources(), defaults, warnings);
        String runtime = host.runtime().isEmpty() ? defaults.runtime() : host.runtime();
        if (!runtime.equals(defaults.runtime())) {
            throw EngineException.invalid("Unknown runtime specified " + runtime);
        }
        if (!Set.of("", "host", "private").contains(host.cgroupnsMode())) {
            throw EngineException.invalid("invalid cgroup namespace mode: " + host.cgroupnsMode());
        }
        if (host.shmSize() < 0) {
            throw EngineException.invalid("SHM size can not be less than 0");
        }
        if (host.oomScoreAdj() < -1000 || host.oomScoreAdj() > 1000) {
            throw EngineException.invalid("Invalid value " + host.oomScoreAdj() + ", range for oom score adj is [-1000, 1000]");
        }
        if (!config.macAddress().isEmpty()) {
            checkMacAddress(config.macAddress());
        }
        boolean privileged = host.privileged();
        // NetworkDisabled: no interface but loopback, as dockerd skips the container's networking
        String networkMode = config.networkDisabled() && !host.networkMode().equals("host") ? "none" : host.networkMode();
        return host.withResources(resources).withCreateDefaults(networkMode,
                host.ipcMode().isEmpty() ? "private" : host.ipcMode(),
                host.cgroupnsMode().isEmpty() ? defaults.cgroupnsMode() : host.cgroupnsMode(),
                host.shmSize() == 0 ? DEFAULT_SHM_SIZE : host.shmSize(),
                runtime,
                host.maskedPaths() == null && !privileged ? DockerDefaults.maskedPaths() : host.maskedPaths(),
                host.readonlyPaths() == null && !privileged ? DockerDefaults.readonlyPaths() : host.readonlyPaths());
    }

    /** dockerd's ValidateLogOpts, for the drivers the engine has; the others by name. */
    static void checkLogConfig(HostConfig.LogConfig log) {
        String driver = log.type();
        if (!LOG_DRIVERS.contains(driver)) {
            if (OTHER_DOCKER_LOG_DRIVERS.contains(driver)) {
                throw EngineException.invalid("log driver '" + driver + "' (HostConfig.LogConfig.Type) is not supported by jmachine-engine:"
                        + " use json-file, local or none");
            }
            throw EngineException.invalid("error looking up logging plugin " + driver + ": plugin \"" + driver + "\" not found");
        }
        if (driver.equals("none")) {
            return;
        }
        for (Map.Entry<String, String> option : log.config().entrySet()) {
            String key = option.getKey();
            boolean known = driver.equals("local") ? LOG_OPTIONS.contains(key) : JSON_FILE_OPTIONS.contains(key);
            if (!known) {
                throw EngineException.invalid("unknown log opt '" + key + "' for " + driver + " log driver");
            }
            if (!LOG_OPTIONS.contains(key)) {
                throw EngineException.invalid("log opt '" + key + "' of the " + driver + " log driver is not supported by jmachine-engine"
                        + " (it applies max-size, max-file and compress)");
            }
        }
        String maxSize = log.config().get("max-size");
        if (maxSize != null && log.maxSizeBytes() <= 0) {
            throw EngineException.invalid("invalid max-size '" + maxSize + "' for the " + driver + " log driver: use e.g. 10m");
        }
    }

    private static void refuseUnsupported(HostConfig host) {
        if (host.storageOpt() != null && !host.storageOpt().isEmpty()) {
            // dockerd's words on any host where the engine runs (its overlay has no quota)
            throw EngineException.invalid("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
        }
        if (!host.volumeDriver().isEmpty() && !host.volumeDriver().equals(io.jmachine.engine.volume.Volume.LOCAL_DRIVER)) {
            throw EngineException.invalid("volume driver '" + host.volumeDriver() + "' (HostConfig.VolumeDriver) is not supported:"
                    + " jmachine-engine has only the local driver");
        }
        if (!host.cgroup().isEmpty()) {
            throw unsupported("HostConfig.Cgroup", host.cgroup());
        }
        if (!Set.of("", "private", "shareable", "host").contains(host.ipcMode())) {
            throw unsupported("HostConfig.IpcMode", host.ipcMode());
        }
        if (!Set.of("", "host").contains(host.pidMode())) {
            throw unsupported("HostConfig.PidMode", host.pidMode());
        }
        if (!Set.of("", "host").contains(host.utsMode())) {
            throw unsupported("HostConfig.UTSMode", host.utsMode());
        }
        if (!Set.of("", "host").contains(host.usernsMode())) {
            throw unsupported("HostConfig.UsernsMode", host.usernsMode());
        }
        if (!Set.of("", "default").contains(host.isolation())) {
            throw EngineException.invalid("Invalid isolation: \"" + host.isolation() + "\" - linux only supports 'default'");
        }
        ContainerResources r = host.resources();
        if (!r.cgroupParent().isEmpty()) {
            throw unsupported("HostConfig.CgroupParent", r.cgroupParent());
        }
        if (r.blkioWeight() != 0 || !isEmpty(r.blkioWeightDevice()) || !isEmpty(r.blkioDeviceReadBps())
                || !isEmpty(r.blkioDeviceWriteBps()) || !isEmpty(r.blkioDeviceReadIOps()) || !isEmpty(r.blkioDeviceWriteIOps())) {
            throw EngineException.invalid("block I/O limits (HostConfig.BlkioWeight, BlkioWeightDevice, BlkioDevice*) are not supported"
                    + " by jmachine-engine");
        }
        if (r.cpuRealtimePeriod() != 0 || r.cpuRealtimeRuntime() != 0) {
            throw EngineException.invalid("Your kernel does not support CPU real-time scheduler"
                    + " (HostConfig.CpuRealtimePeriod and CpuRealtimeRuntime are not supported by jmachine-engine)");
        }
        if (!isEmpty(r.deviceRequests())) {
            throw EngineException.invalid("device requests (HostConfig.DeviceRequests, e.g. --gpus) are not supported by jmachine-engine");
        }
        if (r.cpuCount() != 0 || r.cpuPercent() != 0) {
            throw EngineException.invalid("HostConfig.CpuCount and CpuPercent are Windows options: use NanoCpus (--cpus) on Linux");
        }
        if (r.ioMaximumIops() != 0) {
            throw EngineException.invalid("Invalid QoS settings: linux does not support configuration of maximum IOPs");
        }
        if (r.ioMaximumBandwidth() != 0) {
            throw EngineException.invalid("Invalid QoS settings: linux does not support configuration of maximum bandwidth");
        }
        for (String rule : r.deviceCgroupRules() == null ? List.<String>of() : r.deviceCgroupRules()) {
            OciSpecFactory.deviceRule(rule);
        }
    }

    /** dockerd's verifyPlatformContainerResources for what the host cannot do: discarded with its warning. */
    private static ContainerResources adaptResources(ContainerResources r, HostDefaults defaults, List<String> warnings) {
        Long swappiness = r.memorySwappiness() != null && r.memorySwappiness() == -1 ? null : r.memorySwappiness();
        if (swappiness != null && defaults.cgroupV2()) {
            warnings.add("Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.");
            swappiness = null;
        }
        if (swappiness != null && (swappiness < 0 || swappiness > 100)) {
            throw EngineException.invalid("Invalid value: " + swappiness + ", valid memory swappiness range is 0-100");
        }
        Boolean oomKillDisable = r.oomKillDisable();
        if (Boolean.TRUE.equals(oomKillDisable) && defaults.cgroupV2()) {
            warnings.add("Your kernel does not support OomKillDisable. OomKillDisable discarded.");
            oomKillDisable = false;
        }
        if (r.kernelMemory() > 0) {
            warnings.add("Specifying a kernel memory limit is deprecated and will be removed in a future release.");
            warnings.add("Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. Limitation discarded.");
        }
        if (r.kernelMemoryTcp() > 0) {
            warnings.add("Your kernel does not support kernel memory TCP limit capabilities or the cgroup is not mounted. Limitation discarded.");
        }
        long memorySwap = r.memory() > 0 && r.memorySwap() == 0 ? r.memory() * 2 : r.memorySwap();
        Long pidsLimit = r.pidsLimit() != null && r.pidsLimit() <= 0 ? null : r.pidsLimit();
        return new ContainerResources(r.cpuShares(), r.memory(), r.nanoCpus(), r.cgroupParent(), r.blkioWeight(), r.blkioWeightDevice(),
                r.blkioDeviceReadBps(), r.blkioDeviceWriteBps(), r.blkioDeviceReadIOps(), r.blkioDeviceWriteIOps(), r.cpuPeriod(),
                r.cpuQuota(), r.cpuRealtimePeriod(), r.cpuRealtimeRuntime(), r.cpusetCpus(), r.cpusetMems(), r.devices(),
                r.deviceCgroupRules(), r.deviceRequests(), 0, 0, r.memoryReservation(), memorySwap, swappiness,
                oomKillDisable == null ? Boolean.FALSE : oomKillDisable, pidsLimit, r.ulimits(), r.cpuCount(), r.cpuPercent(),
                r.ioMaximumIops(), r.ioMaximumBandwidth());
    }

    /** Go's net.ParseMAC for the 48-bit form Docker uses. */
    private static void checkMacAddress(String mac) {
        if (!MAC_ADDRESS.matcher(mac).matches()) {
            throw EngineException.invalid("invalid MAC address " + mac + " (Config.MacAddress): use six hex pairs, e.g. 02:42:ac:11:00:0a");
        }
    }

    private static EngineException unsupported(String field, String value) {
        return EngineException.invalid(field + " '" + value + "' is not supported by jmachine-engine");
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
