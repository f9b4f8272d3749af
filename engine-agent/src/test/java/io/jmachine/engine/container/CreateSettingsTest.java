package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CreateSettingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HostDefaults V1 = new HostDefaults("runc", false);
    private static final HostDefaults V2 = new HostDefaults("runc", true);

    private static ContainerConfig config(String json) throws Exception {
        return JSON.readValue(json, ContainerConfig.class);
    }

    private static HostConfig host(String json) throws Exception {
        return JSON.readValue(json, HostConfig.class);
    }

    private static HostConfig adapt(String hostJson, HostDefaults defaults, List<String> warnings) throws Exception {
        return CreateSettings.adapt(config("{\"Image\":\"i\"}"), host(hostJson), defaults, warnings);
    }

    private static String refusal(String hostJson) {
        EngineException e = assertThrows(EngineException.class, () -> adapt(hostJson, V2, new ArrayList<>()));
        assertEquals(EngineException.Kind.INVALID, e.kind());
        return e.getMessage();
    }

    @Test
    void anEmptyHostConfigGetsDockerdsDefaults() throws Exception {
        HostConfig adapted = adapt("{}", V1, new ArrayList<>());
        assertEquals(new HostConfig.LogConfig("json-file", Map.of()), adapted.logConfig());
        assertEquals("private", adapted.ipcMode());
        assertEquals("host", adapted.cgroupnsMode());
        assertEquals(64L * 1024 * 1024, adapted.shmSize());
        assertEquals("runc", adapted.runtime());
        assertEquals(Boolean.FALSE, adapted.resources().oomKillDisable());
        assertTrue(adapted.maskedPaths().contains("/proc/kcore"));
        assertTrue(adapted.readonlyPaths().contains("/proc/sys"));
        assertEquals("private", adapt("{}", V2, new ArrayList<>()).cgroupnsMode());
    }

    @Test
    void aPrivilegedContainerHasNoMaskedPathsAndGivenPathsAreKept() throws Exception {
        HostConfig privileged = adapt("{\"Privileged\":true}", V2, new ArrayList<>());
        assertNull(privileged.maskedPaths());
        assertNull(privileged.readonlyPaths());
        assertEquals(List.of(), adapt("{\"MaskedPaths\":[]}", V2, new ArrayList<>()).maskedPaths());
    }

    @Test
    void memoryDefaultsAreDockerds() throws Exception {
        HostConfig adapted = adapt("{\"Memory\":100000000,\"PidsLimit\":0,\"MemorySwappiness\":-1}", V1, new ArrayList<>());
        assertEquals(200000000L, adapted.memorySwap());
        assertNull(adapted.pidsLimit());
        assertNull(adapted.resources().memorySwappiness());
    }

    @Test
    void whatACgroupV2HostCannotApplyIsDiscardedWithDockerdsWarnings() throws Exception {
        List<String> warnings = new ArrayList<>();
        HostConfig adapted = adapt("{\"MemorySwappiness\":40,\"OomKillDisable\":true,\"KernelMemory\":10000000,\"KernelMemoryTCP\":1}",
                V2, warnings);
        assertNull(adapted.resources().memorySwappiness());
        assertEquals(Boolean.FALSE, adapted.resources().oomKillDisable());
        assertEquals(0, adapted.resources().kernelMemory());
        assertEquals(0, adapted.resources().kernelMemoryTcp());
        assertEquals(List.of(
                "Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.",
                "Your kernel does not support OomKillDisable. OomKillDisable discarded.",
                "Specifying a kernel memory limit is deprecated and will be removed in a future release.",
                "Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. Limitation discarded.",
                "Your kernel does not support kernel memory TCP limit capabilities or the cgroup is not mounted. Limitation discarded."),
                warnings);
        HostConfig v1 = adapt("{\"MemorySwappiness\":40,\"OomKillDisable\":true}", V1, new ArrayList<>());
        assertEquals(40L, v1.resources().memorySwappiness());
        assertEquals(Boolean.TRUE, v1.resources().oomKillDisable());
    }

    @Test
    void logDriversAreJsonFileLocalAndNone() throws Exception {
        assertEquals("json-file", adapt("{\"LogConfig\":{\"Type\":\"\"}}", V2, new ArrayList<>()).logConfig().type());
        assertEquals("local", adapt("{\"LogConfig\":{\"Type\":\"local\",\"Config\":{\"max-size\":\"1m\"}}}", V2, new ArrayList<>())
                .logConfig().type());
        assertEquals("none", adapt("{\"LogConfig\":{\"Type\":\"none\",\"Config\":{\"whatever\":\"1\"}}}", V2, new ArrayList<>())
                .logConfig().type());
        assertEquals("error looking up logging plugin asdf: plugin \"asdf\" not found", refusal("{\"LogConfig\":{\"Type\":\"asdf\"}}"));
        assertEquals("log driver 'journald' (HostConfig.LogConfig.Type) is not supported by jmachine-engine: use json-file, local or none",
                refusal("{\"LogConfig\":{\"Type\":\"journald\"}}"));
        assertEquals("unknown log opt 'foo' for json-file log driver", refusal("{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"foo\":\"1\"}}}"));
        assertEquals("unknown log opt 'tag' for local log driver", refusal("{\"LogConfig\":{\"Type\":\"local\",\"Config\":{\"tag\":\"x\"}}}"));
        assertEquals("log opt 'env' of the json-file log driver is not supported by jmachine-engine (it applies max-size, max-file and compress)",
                refusal("{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"env\":\"A\"}}}"));
        assertEquals("invalid max-size 'lots' for the json-file log driver: use e.g. 10m",
                refusal("{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"lots\"}}}"));
    }

    @Test
    void maxSizeIsReadAsDockerReadsSizes() {
        assertEquals(10 * 1024, new HostConfig.LogConfig("json-file", Map.of("max-size", "10k")).maxSizeBytes());
        assertEquals(10L * 1024 * 1024, new HostConfig.LogConfig("json-file", Map.of("max-size", "10MB")).maxSizeBytes());
        assertEquals(1536, new HostConfig.LogConfig("json-file", Map.of("max-size", "1.5k")).maxSizeBytes());
        assertEquals(0, new HostConfig.LogConfig("json-file", Map.of("max-size", "-1")).maxSizeBytes());
        assertEquals(0, new HostConfig.LogConfig("json-file", Map.of()).maxSizeBytes());
    }

    @Test
    void everyFieldTheEngineCannotHonourIsRefusedByName() {
        assertEquals("HostConfig.Cgroup 'container:x' is not supported by jmachine-engine", refusal("{\"Cgroup\":\"container:x\"}"));
        assertEquals("HostConfig.CgroupParent 'p' is not supported by jmachine-engine", refusal("{\"CgroupParent\":\"p\"}"));
        assertEquals("HostConfig.IpcMode 'none' is not supported by jmachine-engine", refusal("{\"IpcMode\":\"none\"}"));
        assertEquals("HostConfig.PidMode 'container:x' is not supported by jmachine-engine", refusal("{\"PidMode\":\"container:x\"}"));
        assertEquals("HostConfig.UTSMode 'foo' is not supported by jmachine-engine", refusal("{\"UTSMode\":\"foo\"}"));
        assertEquals("HostConfig.UsernsMode 'private' is not supported by jmachine-engine", refusal("{\"UsernsMode\":\"private\"}"));
        assertTrue(refusal("{\"VolumeDriver\":\"nfs\"}").contains("HostConfig.VolumeDriver"));
        assertTrue(refusal("{\"BlkioWeightDevice\":[{\"Path\":\"/dev/sda\",\"Weight\":10}]}").contains("HostConfig.BlkioWeight"));
        assertTrue(refusal("{\"BlkioDeviceReadBps\":[{\"Path\":\"/dev/sda\",\"Rate\":10}]}").contains("BlkioDevice*"));
        assertTrue(refusal("{\"CpuRealtimeRuntime\":500}").contains("HostConfig.CpuRealtimePeriod and CpuRealtimeRuntime"));
        assertTrue(refusal("{\"DeviceRequests\":[{\"Count\":-1,\"Capabilities\":[[\"gpu\"]]}]}").contains("HostConfig.DeviceRequests"));
        assertTrue(refusal("{\"CpuCount\":2}").contains("HostConfig.CpuCount"));
        assertEquals("Invalid QoS settings: linux does not support configuration of maximum bandwidth", refusal("{\"IOMaximumBandwidth\":5}"));
        assertEquals("invalid device cgroup rule format: 'x 1:2 rwm'", refusal("{\"DeviceCgroupRules\":[\"x 1:2 rwm\"]}"));
        assertEquals("Unknown runtime specified crun", refusal("{\"Runtime\":\"crun\"}"));
        assertEquals("Invalid value 1001, range for oom score adj is [-1000, 1000]", refusal("{\"OomScoreAdj\":1001}"));
        assertEquals("SHM size can not be less than 0", refusal("{\"ShmSize\":-1}"));
    }

    @Test
    void whatItHonoursIsAccepted() throws Exception {
        HostConfig adapted = adapt("{\"IpcMode\":\"shareable\",\"PidMode\":\"host\",\"UTSMode\":\"host\",\"UsernsMode\":\"host\","
                + "\"Isolation\":\"default\",\"VolumeDriver\":\"local\",\"CgroupnsMode\":\"private\",\"GroupAdd\":[\"1000\"],"
                + "\"DeviceCgroupRules\":[\"c 7:128 rwm\",\"a *:* m\"],\"Runtime\":\"runc\"}", V1, new ArrayList<>());
        assertEquals("private", adapted.cgroupnsMode());
        assertEquals(List.of("1000"), adapted.groupAdd());
        assertEquals("shareable", adapted.ipcMode());
    }

    @Test
    void aBadMacAddressIsA400AndNetworkDisabledMeansNoNetwork() throws Exception {
        EngineException e = assertThrows(EngineException.class, () -> CreateSettings.adapt(config("{\"Image\":\"i\",\"MacAddress\":\"nope\"}"),
                host("{}"), V2, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("invalid MAC address nope (Config.MacAddress)"), e.getMessage());
        assertEquals("none", CreateSettings.adapt(config("{\"Image\":\"i\",\"NetworkDisabled\":true}"), host("{}"), V2, new ArrayList<>())
                .networkMode());
        assertEquals("host", CreateSettings.adapt(config("{\"Image\":\"i\",\"NetworkDisabled\":true}"), host("{\"NetworkMode\":\"host\"}"),
                V2, new ArrayList<>()).networkMode());
    }
}
