package io.jmachine.engine.runtime.cgroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CgroupLayoutTest {

    /** This build host: v1 controllers, each on its own, and an empty cgroup2 at /sys/fs/cgroup/unified. */
    static final String HYBRID = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    static final String UNIFIED = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            26 21 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """;

    @Test
    void aHybridHostIsV1() {
        CgroupLayout layout = CgroupLayout.fromMountinfo(HYBRID);
        CgroupLayout.V1 v1 = assertInstanceOf(CgroupLayout.V1.class, layout);
        assertFalse(layout.unified());
        assertEquals(Path.of("/sys/fs/cgroup/memory/jmachine/abc"), v1.directory("memory", "/jmachine/abc").orElseThrow());
        assertEquals(Path.of("/sys/fs/cgroup/cpuacct/jmachine/abc"), v1.directory("cpuacct", "/jmachine/abc").orElseThrow());
        assertTrue(v1.directory("systemd", "/x").isEmpty(), "named hierarchies are not controllers");
    }

    @Test
    void aUnifiedHostIsV2() {
        CgroupLayout layout = CgroupLayout.fromMountinfo(UNIFIED);
        assertTrue(layout.unified());
        assertEquals(Path.of("/sys/fs/cgroup/jmachine/abc"), ((CgroupLayout.V2) layout).directory("/jmachine/abc"));
    }

    @Test
    void aMountOfANestedCgroupMapsPathsBelowItsRoot() {
        CgroupLayout layout = CgroupLayout.fromMountinfo("26 21 0:23 /outer /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        assertEquals(Path.of("/sys/fs/cgroup/jmachine/abc"), ((CgroupLayout.V2) layout).directory("/outer/jmachine/abc"));
    }

    @Test
    void containerPathsLiveUnderTheParent() {
        assertEquals("/jmachine/abc", CgroupLayout.containerPath("jmachine", "abc"));
        assertEquals("/a/b/abc", CgroupLayout.containerPath("/a/b/", "abc"));
    }

    @Test
    void noCgroupsAtAllIsAClearError() {
        assertThrows(IllegalStateException.class, () -> CgroupLayout.fromMountinfo("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"));
    }

    @Test
    void v2StatsComeFromTheUnifiedFiles(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("jmachine/abc"));
        Files.writeString(dir.resolve("memory.current"), "1048576\n");
        Files.writeString(dir.resolve("memory.max"), "33554432\n");
        Files.writeString(dir.resolve("memory.stat"), "anon 500000\nfile 4096\ninactive_file 1024\n");
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        Files.writeString(dir.resolve("pids.current"), "3\n");
        Files.writeString(dir.resolve("pids.max"), "max\n");
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
        CgroupLayout layout = new CgroupLayout.V2(new CgroupLayout.Hierarchy(root, "/"));
        CgroupStats stats = CgroupStats.read(layout, "/jmachine/abc").orElseThrow();
        assertEquals(1048576, stats.memoryUsage());
        assertEquals(OptionalLong.of(33554432), stats.memoryLimit());
        assertEquals(4096, stats.memoryCache());
        assertEquals(1024, stats.memoryStat().get("inactive_file"));
        assertEquals(1_500_000, stats.cpuUsageNanos());
        assertEquals(1_000_000, stats.cpuUserNanos());
        assertEquals(List.of(), stats.perCpuUsageNanos());
        assertEquals(3, stats.pidsCurrent());
        assertEquals(OptionalLong.empty(), stats.pidsLimit());
        assertEquals(1, stats.oomKills());
        assertTrue(CgroupStats.read(layout, "/jmachine/gone").isEmpty());
    }

    @Test
    void v1StatsComeFromEachController(@TempDir Path root) throws Exception {
        Path memory = Files.createDirectories(root.resolve("memory/jmachine/abc"));
        Path cpuacct = Files.createDirectories(root.resolve("cpuacct/jmachine/abc"));
        Path pids = Files.createDirectories(root.resolve("pids/jmachine/abc"));
        Files.writeString(memory.resolve("memory.usage_in_bytes"), "2097152\n");
        Files.writeString(memory.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        Files.writeString(memory.resolve("memory.stat"), "cache 8192\nrss 4096\ntotal_cache 8192\ntotal_inactive_file 2048\n");
        Files.writeString(cpuacct.resolve("cpuacct.usage"), "123456789\n");
        Files.writeString(cpuacct.resolve("cpuacct.usage_percpu"), "100000000 23456789 \n");
        Files.writeString(cpuacct.resolve("cpuacct.stat"), "user 7\nsystem 3\n");
        Files.writeString(pids.resolve("pids.current"), "1\n");
        Files.writeString(pids.resolve("pids.max"), "8\n");
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        CgroupLayout layout = new CgroupLayout.V1(Map.of(
                "memory", new CgroupLayout.Hierarchy(root.resolve("memory"), "/"),
                "cpuacct", new CgroupLayout.Hierarchy(root.resolve("cpuacct"), "/"),
                "pids", new CgroupLayout.Hierarchy(root.resolve("pids"), "/")));
        CgroupStats stats = CgroupStats.read(layout, "/jmachine/abc").orElseThrow();
        assertEquals(2097152, stats.memoryUsage());
        assertEquals(OptionalLong.empty(), stats.memoryLimit(), "v1's 'no limit' number");
        assertEquals(8192, stats.memoryCache());
        assertEquals(2048, stats.memoryStat().get("total_inactive_file"));
        assertEquals(123456789, stats.cpuUsageNanos());
        assertEquals(List.of(100000000L, 23456789L), stats.perCpuUsageNanos());
        assertEquals(70_000_000, stats.cpuUserNanos());
        assertEquals(30_000_000, stats.cpuSystemNanos());
        assertEquals(OptionalLong.of(8), stats.pidsLimit());
        assertEquals(2, stats.oomKills());
        assertTrue(CgroupStats.read(layout, "/jmachine/gone").isEmpty());
    }
}
