package io.jmachine.engine.api.system;

import io.jmachine.engine.EngineVersion;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ApiVersion;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.config.EngineConfig;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /_ping, /version and /info: what clients ask first, to negotiate and to describe the engine. */
public final class SystemRoutes {

    private final String engineId;
    private final EngineConfig config;
    private final HostFacts host;
    private final java.util.function.Supplier<Counts> counts;

    /** What docker info counts; eventListeners are the clients following /events. */
    public record Counts(int containers, int running, int paused, int stopped, int images, int eventListeners) {}

    public SystemRoutes(String engineId, EngineConfig config, HostFacts host, java.util.function.Supplier<Counts> counts) {
        this.engineId = engineId;
        this.config = config;
        this.host = host;
        this.counts = counts;
    }

    public void register(Router router) {
        router.get("/_ping", this::ping);
        router.head("/_ping", this::ping);
        router.get("/version", this::version);
        router.get("/info", this::info);
    }

    /** The headers clients negotiate with; HEAD gets them without the "OK" body. */
    private void ping(ApiExchange exchange) {
        exchange.header("Cache-Control", "no-cache, no-store, must-revalidate")
                .header("Pragma", "no-cache")
                .header("Builder-Version", "1")
                .header("Swarm", "inactive")
                .text(200, "text/plain; charset=utf-8", "OK");
    }

    private void version(ApiExchange exchange) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ApiVersion", ApiVersion.MAX.toString());
        details.put("MinAPIVersion", ApiVersion.MIN.toString());
        details.put("GitCommit", "");
        details.put("GoVersion", "java" + Runtime.version().feature());
        details.put("Os", "linux");
        details.put("Arch", goArch());
        details.put("KernelVersion", host.kernelVersion());
        details.put("BuildTime", "");
        details.put("Experimental", "false");

        Map<String, Object> version = new LinkedHashMap<>();
        version.put("Platform", Map.of("Name", "jmachine-engine " + EngineVersion.own()));
        version.put("Components", List.of(
                Map.of("Name", "Engine", "Version", EngineVersion.DOCKER_COMPATIBLE, "Details", details),
                Map.of("Name", "jmachine-engine", "Version", EngineVersion.own(),
                        "Details", Map.of("Java", Runtime.version().toString()))));
        version.put("Version", EngineVersion.DOCKER_COMPATIBLE);
        version.put("ApiVersion", ApiVersion.MAX.toString());
        version.put("MinAPIVersion", ApiVersion.MIN.toString());
        version.put("GitCommit", "");
        version.put("GoVersion", "java" + Runtime.version().feature());
        version.put("Os", "linux");
        version.put("Arch", goArch());
        version.put("KernelVersion", host.kernelVersion());
        // dockerd leaves Experimental out when false
        version.put("BuildTime", "");
        exchange.json(200, version);
    }

    private void info(ApiExchange exchange) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("ID", engineId);
        Counts now = counts.get();
        info.put("Containers", now.containers());
        info.put("ContainersRunning", now.running());
        info.put("ContainersPaused", now.paused());
        info.put("ContainersStopped", now.stopped());
        info.put("Images", now.images());
        info.put("Driver", "overlay2");
        info.put("DriverStatus", List.of(List.of("Backing Filesystem", "extfs")));
        Map<String, Object> plugins = new LinkedHashMap<>();
        plugins.put("Volume", List.of("local"));
        plugins.put("Network", List.of("bridge", "host", "none"));
        plugins.put("Authorization", null);
        plugins.put("Log", List.of("json-file", "local"));
        info.put("Plugins", plugins);
        boolean cgroupV1 = host.cgroupVersion() == 1;
        info.put("MemoryLimit", true);
        info.put("SwapLimit", true);
        // the engine never sets kernel memory limits (deprecated by the kernel; dockerd discards them too on cgroup v2)
        info.put("KernelMemory", false);
        info.put("KernelMemoryTCP", false);
        info.put("CpuCfsPeriod", true);
        info.put("CpuCfsQuota", true);
        info.put("CPUShares", true);
        info.put("CPUSet", true);
        info.put("PidsLimit", true);
        info.put("IPv4Forwarding", true);
        info.put("BridgeNfIptables", sysctlOn("net/bridge/bridge-nf-call-iptables"));
        info.put("BridgeNfIp6tables", sysctlOn("net/bridge/bridge-nf-call-ip6tables"));
        info.put("Debug", "debug".equals(config.logLevel()));
        info.put("NFd", openFiles());
        info.put("OomKillDisable", cgroupV1);
        info.put("NGoroutines", java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
        info.put("SystemTime", Instant.now().toString());
        info.put("LoggingDriver", "json-file");
        info.put("CgroupDriver", "cgroupfs");
        info.put("CgroupVersion", String.valueOf(host.cgroupVersion()));
        info.put("NEventsListener", now.eventListeners());
        info.put("KernelVersion", host.kernelVersion());
        info.put("OperatingSystem", host.operatingSystem());
        info.put("OSVersion", host.osVersion());
        info.put("OSType", "linux");
        info.put("Architecture", host.architecture());
        info.put("IndexServerAddress", "https://index.docker.io/v1/");
        info.put("RegistryConfig", registryConfig());
        info.put("NCPU", host.cpus());
        info.put("MemTotal", host.memoryBytes());
        info.put("GenericResources", null);
        info.put("DockerRootDir", config.dataRoot().toString());
        // the engine reaches registries directly, without a proxy
        info.put("HttpProxy", "");
        info.put("HttpsProxy", "");
        info.put("NoProxy", "");
        info.put("Name", host.hostname());
        info.put("Labels", config.labels());
        info.put("ExperimentalBuild", false);
        info.put("ServerVersion", EngineVersion.DOCKER_COMPATIBLE);
        String runtime = config.runtime() == null ? "runc" : config.runtime();
        info.put("Runtimes", Map.of(runtime, Map.of("path", runtime)));
        info.put("DefaultRuntime", runtime);
        Map<String, Object> swarm = new LinkedHashMap<>();
        swarm.put("NodeID", "");
        swarm.put("NodeAddr", "");
        swarm.put("LocalNodeState", "inactive");
        swarm.put("ControlAvailable", false);
        swarm.put("Error", "");
        swarm.put("RemoteManagers", null);
        info.put("Swarm", swarm);
        info.put("LiveRestoreEnabled", true);
        info.put("Isolation", "");
        info.put("InitBinary", "docker-init");
        // no containerd here; runc's and tini's versions are not recorded
        info.put("ContainerdCommit", Map.of("ID", "", "Expected", ""));
        info.put("RuncCommit", Map.of("ID", "", "Expected", ""));
        info.put("InitCommit", Map.of("ID", "", "Expected", ""));
        info.put("SecurityOptions", List.of("name=seccomp,profile=builtin"));
        info.put("Warnings", null);
        exchange.json(200, info);
    }

    private Map<String, Object> registryConfig() {
        Map<String, Object> registry = new LinkedHashMap<>();
        registry.put("AllowNondistributableArtifactsCIDRs", List.of());
        registry.put("AllowNondistributableArtifactsHostnames", List.of());
        registry.put("InsecureRegistryCIDRs", List.of("127.0.0.0/8"));
        Map<String, Object> dockerHub = new LinkedHashMap<>();
        dockerHub.put("Name", "docker.io");
        dockerHub.put("Mirrors", config.registryMirrors());
        dockerHub.put("Secure", true);
        dockerHub.put("Official", true);
        registry.put("IndexConfigs", Map.of("docker.io", dockerHub));
        registry.put("Mirrors", config.registryMirrors());
        return registry;
    }

    /** A /proc/sys switch such as net/bridge/bridge-nf-call-iptables; false when absent (module not loaded). */
    private static boolean sysctlOn(String name) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys", name)).trim().equals("1");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int openFiles() {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private String goArch() {
        return switch (host.architecture()) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> host.architecture();
        };
    }
}
