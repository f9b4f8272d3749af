package io.jmachine.engine.runtime.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OomKillsTest {

    private static final String CONTAINER = "/docker/abc";

    private static CgroupLayout.V1 v1(Path root) {
        return new CgroupLayout.V1(Map.of(
                "memory", new CgroupLayout.Hierarchy(root.resolve("memory"), "/"),
                "cpu", new CgroupLayout.Hierarchy(root.resolve("cpu"), "/")));
    }

    private static CgroupLayout.V2 v2(Path root) {
        return new CgroupLayout.V2(new CgroupLayout.Hierarchy(root, "/"));
    }

    @Test
    void v1CountsTheOomKillLineOfMemoryOomControl(@TempDir Path root) throws Exception {
        Path memory = Files.createDirectories(root.resolve("memory/docker/abc"));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        assertEquals(OptionalLong.of(3), OomKills.read(v1(root), CONTAINER));
        assertEquals(Optional.of(memory.resolve("memory.oom_control")), OomKills.counterFile(v1(root), CONTAINER));
    }

    @Test
    void v1WithoutAKillIsZero(@TempDir Path root) throws Exception {
        Path memory = Files.createDirectories(root.resolve("memory/docker/abc"));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        assertEquals(OptionalLong.of(0), OomKills.read(v1(root), CONTAINER));
    }

    @Test
    void aV1KernelBefore413WithoutTheCounterReadsAsNoKill(@TempDir Path root) throws Exception {
        Path memory = Files.createDirectories(root.resolve("memory/docker/abc"));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 1\n");
        assertEquals(OptionalLong.of(0), OomKills.read(v1(root), CONTAINER));
    }

    @Test
    void v1WithoutAMemoryControllerHasNoCounter(@TempDir Path root) throws Exception {
        CgroupLayout.V1 cpuOnly = new CgroupLayout.V1(Map.of("cpu", new CgroupLayout.Hierarchy(root.resolve("cpu"), "/")));
        Files.createDirectories(root.resolve("cpu/docker/abc"));
        assertEquals(OptionalLong.empty(), OomKills.read(cpuOnly, CONTAINER));
        assertEquals(Optional.empty(), OomKills.counterFile(cpuOnly, CONTAINER));
    }

    @Test
    void v1HierarchiesMountedBelowTheirRootResolveTheContainerPath(@TempDir Path root) throws Exception {
        // inside a container, the memory hierarchy's mount shows /docker/outer, not /
        CgroupLayout.V1 nested = new CgroupLayout.V1(Map.of("memory", new CgroupLayout.Hierarchy(root, "/docker/outer")));
        Path memory = Files.createDirectories(root.resolve("abc"));
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        assertEquals(OptionalLong.of(1), OomKills.read(nested, "/docker/outer/abc"));
    }

    @Test
    void v2CountsOomKillAndOomGroupKillOfMemoryEvents(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("docker/abc"));
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 1\n");
        assertEquals(OptionalLong.of(3), OomKills.read(v2(root), CONTAINER));
        assertEquals(Optional.of(dir.resolve("memory.events")), OomKills.counterFile(v2(root), CONTAINER));
    }

    @Test
    void v2OomEventsWithoutAKillAreNoKill(@TempDir Path root) throws Exception {
        // "oom" counts the times the limit was hit; only a kill makes Docker's OOMKilled
        Path dir = Files.createDirectories(root.resolve("docker/abc"));
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 40\noom 5\noom_kill 0\noom_group_kill 0\n");
        assertEquals(OptionalLong.of(0), OomKills.read(v2(root), CONTAINER));
    }

    @Test
    void v2BeforeOomGroupKillExistedCountsOomKillAlone(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("docker/abc"));
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 1\noom 1\noom_kill 1\n");
        assertEquals(OptionalLong.of(1), OomKills.read(v2(root), CONTAINER));
    }

    @Test
    void aCgroupThatIsGoneHasNoCounter(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("memory/docker"));
        assertEquals(OptionalLong.empty(), OomKills.read(v1(root), CONTAINER));
        assertEquals(OptionalLong.empty(), OomKills.read(v2(root), CONTAINER));
    }

    @Test
    void aCounterThatIsNotANumberIsAnErrorNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OomKills.parse("oom_kill lots\n"));
        assertTrue(e.getMessage().contains("oom_kill lots"), e.getMessage());
    }
}
