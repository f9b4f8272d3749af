package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.runtime.spec.ContainerSpec;
import io.jmachine.engine.runtime.spec.NamespaceMode;
import io.jmachine.engine.runtime.spec.OciSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The create fields that reach the runtime: what RuntimeSpecs hands the OCI spec factory. */
class RuntimeSpecsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ContainerSpec spec(String configJson, String hostJson, List<String> linkEnv) throws Exception {
        ContainerConfig config = JSON.readValue(configJson, ContainerConfig.class);
        HostConfig host = CreateSettings.adapt(config, JSON.readValue(hostJson, HostConfig.class), new HostDefaults("runc", false),
                new ArrayList<>());
        Instant now = Instant.now();
        ContainerRecord record = new ContainerRecord("a".repeat(64), "c", now, "sleep", List.of("1"), "sha256:x", "img", config, host,
                ContainerState.created(), 0, null, ContainerRecord.FORMAT_VERSION, List.of());
        return RuntimeSpecs.from(record, new ContainerProcesses.Launch(Path.of("/rootfs"), null, null, null, null, linkEnv));
    }

    @Test
    void hostConfigFieldsReachTheSpec() throws Exception {
        ContainerSpec spec = spec("{\"Image\":\"i\",\"Domainname\":\"example.test\",\"Env\":[\"A=1\"]}",
                "{\"GroupAdd\":[\"1000\",\"audio\"],\"OomScoreAdj\":300,\"CgroupnsMode\":\"private\",\"MaskedPaths\":[\"/proc/x\"],"
                        + "\"ReadonlyPaths\":[],\"DeviceCgroupRules\":[\"c 7:128 rwm\"],\"MemoryReservation\":10000000,"
                        + "\"CpusetMems\":\"0\",\"MemorySwappiness\":30,\"OomKillDisable\":true,\"ConsoleSize\":[24,80],"
                        + "\"Annotations\":{\"org.example/a\":\"1\"}}", List.of());
        assertEquals(List.of("1000", "audio"), spec.groupAdd());
        assertEquals(300, spec.oomScoreAdj());
        assertEquals(NamespaceMode.PRIVATE, spec.cgroup());
        assertEquals("example.test", spec.domainname());
        assertEquals(List.of("/proc/x"), spec.maskedPaths());
        assertEquals(List.of(), spec.readonlyPaths());
        assertEquals(List.of("c 7:128 rwm"), spec.deviceCgroupRules());
        assertEquals(10000000, spec.resources().memoryReservation());
        assertEquals("0", spec.resources().cpusetMems());
        assertEquals(30L, spec.resources().memorySwappiness());
        assertTrue(spec.resources().oomKillDisable());
        assertEquals(new OciSpec.ConsoleSize(24, 80), spec.consoleSize());
        assertEquals(java.util.Map.of("org.example/a", "1"), spec.annotations());
    }

    @Test
    void defaultsLeaveTheRuntimeItsOwnChoices() throws Exception {
        ContainerSpec spec = spec("{\"Image\":\"i\"}", "{}", List.of());
        assertEquals(List.of(), spec.groupAdd());
        assertEquals(NamespaceMode.HOST, spec.cgroup(), "dockerd's default on a cgroup v1 host");
        assertNull(spec.consoleSize());
        assertNull(spec.resources().memorySwappiness());
    }

    @Test
    void linkVariablesComeBeforeTheContainersOwnWhichWin() throws Exception {
        ContainerSpec spec = spec("{\"Image\":\"i\",\"Env\":[\"PATH=/bin\",\"DB_NAME=mine\"]}", "{}",
                List.of("DB_NAME=/c/db", "DB_ENV_A=1"));
        assertTrue(spec.env().contains("DB_NAME=mine"), spec.env().toString());
        assertTrue(spec.env().contains("DB_ENV_A=1"), spec.env().toString());
        assertTrue(spec.env().stream().noneMatch(e -> e.equals("DB_NAME=/c/db")), spec.env().toString());
    }
}
