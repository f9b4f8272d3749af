package io.jmachine.engine.runtime;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.cgroup.CgroupLayout;
import io.jmachine.engine.runtime.cgroup.CgroupStats;
import io.jmachine.engine.runtime.spec.ContainerSpec;
import io.jmachine.engine.runtime.spec.DeviceMapping;
import io.jmachine.engine.runtime.spec.EngineHost;
import io.jmachine.engine.runtime.spec.HostDevices;
import io.jmachine.engine.runtime.spec.OciBundle;
import io.jmachine.engine.runtime.spec.OciSpec;
import io.jmachine.engine.runtime.spec.OciSpecFactory;
import io.jmachine.engine.runtime.spec.Resources;
import io.jmachine.engine.runtime.spec.SeccompProfile;
import io.jmachine.engine.testing.BusyboxRootfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bundles written by {@link OciSpecFactory}, run by real runc on a busybox rootfs, checked from inside the
 * container. Each container has a new, empty network namespace (Docker's --network none).
 */
class OciRuntimeIT {

    @TempDir
    static Path work;
    static Path rootfs;
    static String cgroupParent;
    static EngineHost host;
    static OciSpecFactory factory;
    static OciRuntime runc;

    private final List<String> created = new ArrayList<>();

    record Result(int exitCode, String output) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        rootfs = BusyboxRootfs.create(work.resolve("rootfs"));
        cgroupParent = "jmachine-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        host = EngineHost.read();
        factory = new OciSpecFactory(host, SeccompProfile.dockerDefault(), new HostDevices(),
                OciSpecFactory.DEBIAN_TINI, cgroupParent);
        runc = OciRuntime.underExecRoot(work.resolve("exec"), "runc", Path.of("/usr/sbin/runc"));
    }

    @AfterEach
    void deleteContainers() {
        for (String id : created) {
            try {
                runc.delete(id, true);
            } catch (OciRuntimeException alreadyGone) {
                // run removes its container itself
            }
        }
    }

    @AfterAll
    static void removeCgroups() throws IOException {
        // the runtime removes each container's cgroup; the parent is ours to remove, in every hierarchy
        List<Path> parents = new ArrayList<>(List.of(Path.of("/sys/fs/cgroup", cgroupParent)));
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            hierarchies.filter(Files::isDirectory).forEach(h -> parents.add(h.resolve(cgroupParent)));
        }
        for (Path parent : parents) {
            if (Files.isDirectory(parent)) {
                try (Stream<Path> walk = Files.walk(parent)) {
                    for (Path dir : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(dir);
                    }
                }
            }
        }
    }

    private ContainerSpec.Builder container(String... args) {
        String id = "it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return ContainerSpec.builder(id, rootfs, List.of(args));
    }

    private static ContainerSpec.Builder shell(OciRuntimeIT test, String script) {
        return test.container("sh", "-c", script);
    }

    private OciBundle bundle(ContainerSpec spec) {
        created.add(spec.id());
        return new OciBundle(work.resolve("bundles").resolve(spec.id())).write(factory.create(spec));
    }

    /** runc run in the foreground: stdout and stderr together. */
    private Result run(ContainerSpec spec) throws IOException {
        OciBundle bundle = bundle(spec);
        Path output = bundle.directory().resolve("output");
        int status = runc.run(spec.id(), bundle.directory(), OciRuntime.Stdio.toFiles(output, output), Duration.ofSeconds(60));
        return new Result(status, Files.readString(output).strip());
    }

    private Result run(String script) throws IOException {
        return run(shell(this, script).build());
    }

    @Test
    void defaultCapabilitiesAreDockers() throws Exception {
        assertEquals(new Result(0, "00000000a80425fb"), run("grep CapEff /proc/self/status | cut -f2"));
    }

    @Test
    void theDefaultSeccompProfileIsLoadedAndPrivilegedHasNone() throws Exception {
        assertEquals(new Result(0, "2"), run("grep '^Seccomp:' /proc/self/status | cut -f2"));
        assertEquals(new Result(0, "0"), run(shell(this, "grep '^Seccomp:' /proc/self/status | cut -f2").privileged(true).build()));
    }

    @Test
    void mountIsDeniedByDefault() throws Exception {
        Result result = run("mount -t tmpfs none /mnt");
        assertTrue(result.exitCode() != 0, result.toString());
        assertTrue(result.output().matches("(?s).*(denied|not permitted).*"), result.output());
    }

    @Test
    void mountIsAllowedWhenPrivileged() throws Exception {
        assertEquals(new Result(0, "ok"), run(shell(this, "mount -t tmpfs none /mnt && echo ok").privileged(true).build()));
    }

    @Test
    void mountIsAllowedWithCapAddSysAdmin() throws Exception {
        assertEquals(new Result(0, "ok"), run(shell(this, "mount -t tmpfs none /mnt && echo ok").capAdd(List.of("SYS_ADMIN")).build()));
    }

    @Test
    void privilegedGetsEveryCapabilityTheEngineHoldsAndWritableSys() throws Exception {
        String expected = io.jmachine.engine.runtime.spec.LinuxCapabilities.mask(host.heldCapabilities());
        assertEquals(new Result(0, expected + " rw"), run(shell(this,
                "echo $(grep CapEff /proc/self/status | cut -f2) $(awk '$2 == \"/sys\" { split($4, o, \",\"); print o[1] }' /proc/mounts)")
                .privileged(true).build()));
        assertEquals(new Result(0, "ro"), run("awk '$2 == \"/sys\" { split($4, o, \",\"); print o[1] }' /proc/mounts"));
    }

    @Test
    void procKeysAndTimerListAreMasked() throws Exception {
        assertEquals(new Result(0, "0"), run("cat /proc/keys /proc/timer_list | wc -c"));
        Result write = run("echo 1 > /proc/sys/kernel/domainname");
        assertTrue(write.output().contains("Read-only file system"), write.toString());
    }

    @Test
    void theMemoryLimitReachesTheCgroup() throws Exception {
        Result result = run(shell(this, "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
                .resources(Resources.NONE.withMemory(64L << 20, 0)).build());
        assertEquals(new Result(0, "67108864"), result);
    }

    @Test
    void theMemoryLimitIsEnforcedByTheOomKiller() throws Exception {
        Result result = run(container("awk", "BEGIN { s = \"x\"; while (1) s = s s }")
                .resources(Resources.NONE.withMemory(32L << 20, 32L << 20)).build());
        assertEquals(137, result.exitCode(), result.output());
    }

    @Test
    void anOomKillIsCountedInTheCgroupUntilDelete() throws Exception {
        ContainerSpec spec = container("awk", "BEGIN { s = \"x\"; while (1) s = s s }")
                .resources(Resources.NONE.withMemory(32L << 20, 32L << 20)).build();
        OciBundle bundle = bundle(spec);
        runc.create(spec.id(), bundle.directory(), bundle.directory().resolve("pid"), null, OciRuntime.Stdio.NONE);
        runc.start(spec.id());
        awaitStopped(spec.id());
        assertTrue(CgroupStats.read(host.cgroups(), factory.cgroupsPath(spec.id())).orElseThrow().oomKills() >= 1);
        runc.delete(spec.id(), false);
    }

    private static void awaitStopped(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!runc.state(id).orElseThrow().isStopped()) {
            assertTrue(System.nanoTime() < deadline, id + " has not stopped in 30 s");
            Thread.sleep(50);
        }
    }

    @Test
    void thePidsLimitStopsForks() throws Exception {
        Result result = run(shell(this, "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done; wait")
                .resources(Resources.NONE.withPidsLimit(8)).build());
        assertTrue(result.output().matches("(?s).*(fork|Resource temporarily unavailable).*"), result.toString());
    }

    @Test
    void theCpuQuotaReachesTheCgroup() throws Exception {
        Result result = run(shell(this, "cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us")
                .resources(Resources.NONE.withNanoCpus(500_000_000)).build());
        assertTrue(result.output().matches("50000( 100000)?"), result.toString());
    }

    @Test
    void aReadOnlyRootfsRefusesWrites() throws Exception {
        Result result = run(container("touch", "/x").readonlyRootfs(true).build());
        assertTrue(result.exitCode() != 0 && result.output().contains("Read-only file system"), result.toString());
        assertFalse(Files.exists(rootfs.resolve("x")));
    }

    @Test
    void aDeviceIsPassedIn() throws Exception {
        assertEquals(new Result(0, "c"), run(shell(this, "test -c /dev/extra-null && echo c")
                .device(DeviceMapping.parse("/dev/null:/dev/extra-null")).build()));
    }

    @Test
    void theUserAndHostnameApply() throws Exception {
        assertEquals(new Result(0, "65534 65534"), run(shell(this, "echo $(id -u) $(id -g)").user("65534").build()));
        assertEquals(new Result(0, "box1"), run(container("hostname").hostname("box1").build()));
    }

    @Test
    void theNetworkNamespaceIsNewAndEmpty() throws Exception {
        assertEquals(new Result(0, "lo"), run("ls /sys/class/net"));
    }

    @Test
    void openFilesAreAsDockerWithinTheEnginesLimit() throws Exception {
        assertEquals(new Result(0, Long.toString(Math.min(1_048_576, host.nofileHardLimit()))), run("ulimit -n"));
    }

    @Test
    void initRunsAsPidOne() throws Exception {
        Result result = run(shell(this, "echo $(cat /proc/1/comm) $$").init(true).build());
        assertTrue(result.output().matches("docker-init [0-9]+") && !result.output().equals("docker-init 1"), result.toString());
    }

    @Test
    void aMissingBinaryFailsCreateWithTheRuntimesMessage() {
        ContainerSpec spec = container("/no/such/binary").build();
        OciBundle bundle = bundle(spec);
        OciRuntimeException e = assertThrows(OciRuntimeException.class,
                () -> runc.create(spec.id(), bundle.directory(), bundle.directory().resolve("pid"), null, OciRuntime.Stdio.NONE));
        assertTrue(e.runtimeMessage().contains("exec: \"/no/such/binary\": stat /no/such/binary: no such file or directory"), e.runtimeMessage());
        assertEquals(127, e.dockerExitCode());
        assertEquals("create", e.command());
    }

    @Test
    void theLifecycleAndStats() throws Exception {
        ContainerSpec spec = container("sleep", "300").resources(Resources.NONE.withMemory(64L << 20, 0).withPidsLimit(20)).build();
        OciBundle bundle = bundle(spec);
        long pid = runc.create(spec.id(), bundle.directory(), bundle.directory().resolve("pid"), null, OciRuntime.Stdio.NONE);
        RuntimeState state = runc.state(spec.id()).orElseThrow();
        assertTrue(state.isCreated(), state.toString());
        assertEquals(pid, state.pid());

        runc.start(spec.id());
        assertTrue(runc.state(spec.id()).orElseThrow().isRunning());
        assertEquals(List.of(pid), runc.pids(spec.id()));

        CgroupLayout layout = host.cgroups();
        CgroupStats stats = CgroupStats.read(layout, factory.cgroupsPath(spec.id())).orElseThrow();
        assertEquals(OptionalLong.of(64L << 20), stats.memoryLimit());
        assertTrue(stats.memoryUsage() > 0, stats.toString());
        assertEquals(1, stats.pidsCurrent());
        assertEquals(OptionalLong.of(20), stats.pidsLimit());
        assertEquals(0, stats.oomKills());
        assertEquals(64L << 20, runc.statsEvent(spec.id()).path("data").path("memory").path("usage").path("limit").asLong());

        runc.update(spec.id(), new ResourceUpdate(new ResourceUpdate.Memory(128L << 20, null, 256L << 20, null), null, null, null));
        assertEquals(OptionalLong.of(128L << 20), CgroupStats.read(layout, factory.cgroupsPath(spec.id())).orElseThrow().memoryLimit());

        runc.pause(spec.id());
        assertTrue(runc.state(spec.id()).orElseThrow().isPaused());
        runc.resume(spec.id());
        assertTrue(runc.state(spec.id()).orElseThrow().isRunning());

        runc.kill(spec.id(), "SIGKILL", false);
        awaitStopped(spec.id());
        runc.delete(spec.id(), false);
        assertTrue(runc.state(spec.id()).isEmpty());
        assertTrue(CgroupStats.read(layout, factory.cgroupsPath(spec.id())).isEmpty(), "the runtime removed the cgroup");
        OciRuntimeException gone = assertThrows(OciRuntimeException.class, () -> runc.kill(spec.id(), "TERM", true));
        assertTrue(gone.isNoSuchContainer(), gone.runtimeMessage());
    }

    @Test
    void theProbeAcceptsRuncAndTheSelectorHonoursNames() {
        RuntimeProbe probe = new RuntimeProbe(factory, OciSpecFactory.DEBIAN_TINI, work.resolve("probes"));
        assertEquals(java.util.Optional.empty(), probe.failure(runc));
        OciRuntime crun = OciRuntime.underExecRoot(work.resolve("exec"), "crun", Path.of("/usr/bin/crun"));
        if (!host.cgroups().unified()) {
            // crun 1.8 answers --version here, yet refuses to run anything on a hybrid host: the probe must see that
            assertTrue(crun.answers());
            assertTrue(probe.failure(crun).orElseThrow().contains("hybrid"));
        }
        RuntimeSelector selector = new RuntimeSelector(work.resolve("exec"), host.cgroups(), probe, RuntimeSelector.defaultSearchPath());
        assertEquals(host.cgroups().unified() ? "crun" : "runc", selector.select(null).name());
        assertEquals("crun", selector.select("crun").name());
        assertEquals(work.resolve("exec/runtime/crun"), selector.select("/usr/bin/crun").root());
        EngineException unknown = assertThrows(EngineException.class, () -> selector.select("kata"));
        assertEquals("unknown or invalid runtime name: kata", unknown.getMessage());
    }
}
