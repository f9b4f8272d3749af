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

    /** What docker info counts. */
    public record Counts(int containers, int running, int paused, int stopped, int images) {}

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
        version.put("Experimental", false);
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
        info.put("Plugins", Map.of("Volume", List.of("local"), "Network", List.of("bridge", "host", "none"), "Log", List.of("json-file")));
        info.put("MemoryLimit", true);
        info.put("SwapLimit", true);
        info.put("CpuCfsPeriod", true);
        info.put("CpuCfsQuota", true);
        info.put("CPUShares", true);
        info.put("CPUSet", true);
        info.put("PidsLimit", true);
        info.put("IPv4Forwarding", true);
        info.put("Debug", "debug".equals(config.logLevel()));
        info.put("SystemTime", Instant.now().toString());
        info.put("LoggingDriver", "json-file");
        info.put("CgroupDriver", "cgroupfs");
        info.put("CgroupVersion", String.valueOf(host.cgroupVersion()));
        info.put("KernelVersion", host.kernelVersion());
        info.put("OperatingSystem", host.operatingSystem());
        info.put("OSVersion", host.osVersion());
        info.put("OSType", "linux");
        info.put("Architecture", host.architecture());
        info.put("IndexServerAddress", "https://index.docker.io/v1/");
        info.put("RegistryConfig", Map.of("InsecureRegistryCIDRs", List.of("127.0.0.0/8"), "Mirrors", config.registryMirrors()));
        info.put("NCPU", host.cpus());
        info.put("MemTotal", host.memoryBytes());
        info.put("DockerRootDir", config.dataRoot().toString());
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
        info.put("SecurityOptions", List.of("name=seccomp,profile=builtin"));
        info.put("Warnings", List.of());
        exchange.json(200, info);
    }

    private String goArch() {
        return switch (host.architecture()) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> host.architecture();
        };
    }
}
