package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.cgroup.CgroupLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciSpecFactoryTest {

    static final CgroupLayout V1 = CgroupLayout.fromMountinfo(
            "32 31 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n");
    static final CgroupLayout V2 = CgroupLayout.fromMountinfo("31 23 0:28 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    static final SeccompProfile SECCOMP = SeccompProfile.parse(SeccompProfileTest.PROFILE);
    static final Path TINI = Path.of("/usr/bin/tini-static");

    @TempDir
    Path rootfs;

    @BeforeEach
    void image() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    }

    static EngineHost host(CgroupLayout cgroups, long nofileHard) {
        return new EngineHost(LinuxCapabilitiesTest.HELD, cgroups, nofileHard, "amd64", SeccompProfileTest.KERNEL, true, 2);
    }

    static OciSpecFactory factory(CgroupLayout cgroups) {
        return new OciSpecFactory(host(cgroups, 20000), SECCOMP, new HostDevices(), TINI, "jmachine");
    }

    ContainerSpec.Builder container() {
        return ContainerSpec.builder("c0ffee", rootfs, List.of("sh", "-c", "true"));
    }

    private static List<String> destinations(OciSpec spec) {
        return spec.mounts().stream().map(OciSpec.Mount::destination).toList();
    }

    private static OciSpec.Mount mount(OciSpec spec, String destination) {
        return spec.mounts().stream().filter(m -> m.destination().equals(destination)).findFirst().orElseThrow();
    }

    @Test
    void theDefaultsAreDockers() {
        OciSpec spec = factory(V1).create(container().hostname("box1").build());
        assertEquals(OciSpec.VERSION, spec.ociVersion());
        assertEquals(new OciSpec.Root(rootfs.toString(), false), spec.root());
        assertEquals("box1", spec.hostname());
        assertEquals("00000000a80425fb", LinuxCapabilities.mask(spec.process().capabilities().bounding()));
        assertEquals(spec.process().capabilities().bounding(), spec.process().capabilities().effective());
        assertEquals(List.of("mount", "network", "uts", "pid", "ipc"), spec.linux().namespaces().stream().map(OciSpec.Namespace::type).toList());
        assertTrue(spec.linux().namespaces().stream().allMatch(n -> n.path() == null));
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm"), destinations(spec));
        assertTrue(mount(spec, "/sys").options().contains("ro"));
        assertTrue(mount(spec, "/sys/fs/cgroup").options().contains("ro"));
        assertTrue(mount(spec, "/dev/pts").options().containsAll(List.of("newinstance", "ptmxmode=0666", "gid=5")));
        assertTrue(mount(spec, "/dev/shm").options().contains("size=67108864"));
        assertTrue(spec.linux().maskedPaths().containsAll(List.of("/proc/keys", "/proc/timer_list", "/proc/kcore", "/sys/firmware")));
        assertEquals(List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"), spec.linux().readonlyPaths());
        assertEquals("/jmachine/c0ffee", spec.linux().cgroupsPath());
        assertNotNull(spec.linux().seccomp());
        List<OciSpec.DeviceRule> rules = spec.linux().resources().devices();
        assertEquals(new OciSpec.DeviceRule(false, null, null, null, "rwm"), rules.get(0), "deny all first");
        assertTrue(rules.contains(OciSpec.DeviceRule.allowChar(1, 3)), "/dev/null");
        assertTrue(rules.contains(new OciSpec.DeviceRule(false, "c", 10L, 229L, "rwm")), "fuse stays denied");
        assertEquals(Map.of("net.ipv4.ip_unprivileged_port_start", "0", "net.ipv4.ping_group_range", "0 2147483647"), spec.linux().sysctl());
        assertEquals(new OciSpec.User(0, 0, null), spec.process().user());
        assertEquals(List.of(new OciSpec.Rlimit("RLIMIT_NOFILE", 20000, 20000)), spec.process().rlimits(), "capped by the engine's own hard limit");
        assertEquals(0, spec.process().oomScoreAdj());
        assertNull(spec.linux().resources().memory());
        assertNull(spec.linux().resources().cpu());
        assertNull(spec.linux().resources().pids());
    }

    @Test
    void cgroupV2GetsAPrivateCgroupNamespace() {
        OciSpec spec = factory(V2).create(container().build());
        assertEquals("cgroup", spec.linux().namespaces().get(spec.linux().namespaces().size() - 1).type());
        assertEquals("/jmachine/c0ffee", spec.linux().cgroupsPath());
    }

    @Test
    void nofileIsDockersWhenTheEngineMayGiveIt() {
        OciSpecFactory roomy = new OciSpecFactory(host(V1, Long.MAX_VALUE), SECCOMP, new HostDevices(), TINI, "jmachine");
        assertEquals(List.of(new OciSpec.Rlimit("RLIMIT_NOFILE", 1048576, 1048576)), roomy.create(container().build()).process().rlimits());
        Resources ulimits = Resources.NONE.withUlimits(List.of(Ulimit.parse("nofile=1024:2048"), Ulimit.parse("nproc=-1")));
        assertEquals(List.of(new OciSpec.Rlimit("RLIMIT_NOFILE", 2048, 1024), new OciSpec.Rlimit("RLIMIT_NPROC", -1, -1)),
                roomy.create(container().resources(ulimits).build()).process().rlimits());
    }

    @Test
    void privilegedOpensEverything() {
        OciSpec spec = factory(V1).create(container().privileged(true).capDrop(List.of("CHOWN")).build());
        assertEquals("000001fffeffffff", LinuxCapabilities.mask(spec.process().capabilities().bounding()));
        assertNull(spec.linux().maskedPaths());
        assertNull(spec.linux().readonlyPaths());
        assertNull(spec.linux().seccomp());
        assertFalse(mount(spec, "/sys").options().contains("ro"));
        assertFalse(mount(spec, "/sys/fs/cgroup").options().contains("ro"));
        assertEquals(List.of(new OciSpec.DeviceRule(true, null, null, null, "rwm")), spec.linux().resources().devices());
        assertTrue(spec.linux().devices().stream().anyMatch(d -> d.path().equals("/dev/null") && d.major() == 1 && d.minor() == 3));
        assertTrue(spec.linux().devices().stream().noneMatch(d -> d.path().startsWith("/dev/pts/") || d.path().equals("/dev/console")));
    }

    @Test
    void capAddReachesBoundingSetAndSeccomp() {
        OciSpec spec = factory(V1).create(container().capAdd(List.of("SYS_ADMIN")).build());
        assertTrue(spec.process().capabilities().bounding().contains("CAP_SYS_ADMIN"));
        assertTrue(spec.linux().seccomp().syscalls().stream().anyMatch(s -> s.names().contains("bpf") && s.action().equals("SCMP_ACT_ALLOW")));
    }

    @Test
    void unconfinedHasNoSeccompAndAGivenProfileReplacesTheDefault() {
        assertNull(factory(V1).create(container().seccomp(SeccompMode.UNCONFINED).build()).linux().seccomp());
        SeccompProfile denyMkdir = SeccompProfile.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        OciSpec.Seccomp given = factory(V1).create(container().seccomp(new SeccompMode.Profile(denyMkdir)).build()).linux().seccomp();
        assertEquals("SCMP_ACT_ALLOW", given.defaultAction());
        assertEquals(List.of(new OciSpec.Syscall(List.of("mkdir", "mkdirat"), "SCMP_ACT_ERRNO", null, null)), given.syscalls());
    }

    @Test
    void privilegedGetsAProfileOnlyWhenItNamesOne() {
        SeccompProfile denyMkdir = SeccompProfile.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        assertNull(factory(V1).create(container().privileged(true).build()).linux().seccomp());
        assertNull(factory(V1).create(container().privileged(true).seccomp(SeccompMode.UNCONFINED).build()).linux().seccomp());
        assertEquals("SCMP_ACT_ERRNO", factory(V1).create(container().privileged(true).seccomp(new SeccompMode.Profile(denyMkdir)).build())
                .linux().seccomp().syscalls().getFirst().action());
    }

    @Test
    void resourcesTranslateAsDockers() {
        Resources limits = Resources.NONE.withMemory(32L << 20, 32L << 20).withNanoCpus(500_000_000).withCpuShares(512)
                .withCpuset("0-1", null).withPidsLimit(8);
        OciSpec.Resources r = factory(V1).create(container().resources(limits).build()).linux().resources();
        assertEquals(new OciSpec.Memory(32L << 20, 32L << 20, null), r.memory());
        assertEquals(new OciSpec.Cpu(512L, 50_000L, 100_000L, "0-1", null), r.cpu());
        assertEquals(new OciSpec.Pids(8), r.pids());

        assertEquals(128L << 20, factory(V1).create(container().resources(Resources.NONE.withMemory(64L << 20, 0)).build())
                .linux().resources().memory().swap(), "swap defaults to as much again as memory");
        assertEquals(-1L, factory(V1).create(container().resources(Resources.NONE.withMemory(64L << 20, -1)).build())
                .linux().resources().memory().swap());
        OciSpec.Cpu quota = factory(V1).create(container().resources(Resources.NONE.withCpuQuota(50_000, 25_000)).build()).linux().resources().cpu();
        assertEquals(new OciSpec.Cpu(null, 25_000L, 50_000L, null, null), quota);
    }

    @Test
    void withoutSwapAccountingSwapIsLeftOut() {
        EngineHost noSwap = new EngineHost(LinuxCapabilitiesTest.HELD, V1, 20000, "amd64", SeccompProfileTest.KERNEL, false, 2);
        OciSpecFactory factory = new OciSpecFactory(noSwap, SECCOMP, new HostDevices(), TINI, "jmachine");
        assertEquals(new OciSpec.Memory(64L << 20, null, null),
                factory.create(container().resources(Resources.NONE.withMemory(64L << 20, 128L << 20)).build()).linux().resources().memory());
    }

    @Test
    void badLimitsAreRefusedWithDockersWords() {
        OciSpecFactory factory = factory(V1);
        assertEquals("Minimum memory limit allowed is 6MB", assertThrows(EngineException.class,
                () -> factory.create(container().resources(Resources.NONE.withMemory(1 << 20, 0)).build())).getMessage());
        assertEquals("Minimum memoryswap limit should be larger than memory limit, see usage", assertThrows(EngineException.class,
                () -> factory.create(container().resources(Resources.NONE.withMemory(64L << 20, 32L << 20)).build())).getMessage());
        assertEquals("You should always set the Memory limit when using Memoryswap limit, see usage", assertThrows(EngineException.class,
                () -> factory.create(container().resources(Resources.NONE.withMemory(0, 32L << 20)).build())).getMessage());
        assertEquals("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available", assertThrows(EngineException.class,
                () -> factory.create(container().resources(Resources.NONE.withNanoCpus(3_000_000_000L)).build())).getMessage());
        assertThrows(EngineException.class, () -> factory.create(container().resources(Resources.NONE.withNanoCpus(1).withCpuQuota(0, 5000)).build()));
    }

    @Test
    void initRunsTiniFromADockerInitMount() {
        OciSpec spec = factory(V1).create(container().init(true).build());
        assertEquals(List.of("/sbin/docker-init", "--", "sh", "-c", "true"), spec.process().args());
        assertEquals(new OciSpec.Mount("/sbin/docker-init", "bind", "/usr/bin/tini-static", List.of("bind", "ro")), mount(spec, "/sbin/docker-init"));
    }

    @Test
    void namespacesCanBeTheHostsOrJoined() {
        OciSpec spec = factory(V1).create(container().hostname("ignored").uts(NamespaceMode.HOST).pid(NamespaceMode.HOST)
                .network(new NamespaceMode.Join(Path.of("/run/netns/x"))).ipc(NamespaceMode.HOST).build());
        assertEquals(List.of(new OciSpec.Namespace("mount", null), new OciSpec.Namespace("network", "/run/netns/x")), spec.linux().namespaces());
        assertNull(spec.hostname(), "the host's UTS namespace keeps the host's name");
        assertEquals(new OciSpec.Mount("/dev/shm", "bind", "/dev/shm", List.of("rbind", "rprivate")), mount(spec, "/dev/shm"));

        OciSpec host = factory(V1).create(container().network(NamespaceMode.HOST).build());
        assertNull(host.linux().sysctl(), "no network sysctls in the host's network namespace");
        assertThrows(EngineException.class, () -> factory(V1).create(container().network(NamespaceMode.HOST).sysctl("net.ipv4.ip_forward", "1").build()));
        assertThrows(EngineException.class, () -> factory(V1).create(container().sysctl("kernel.hostname", "x").build()));
        assertEquals("1", factory(V1).create(container().sysctl("net.ipv4.ip_forward", "1").build()).linux().sysctl().get("net.ipv4.ip_forward"));
    }

    @Test
    void userMountsComeAfterTheDefaultsParentsFirstAndOverrideThem() {
        OciSpec spec = factory(V1).create(container()
                .mount(MountSpec.Bind.of(Path.of("/srv/data/sub"), "/data/sub", false))
                .mount(new MountSpec.Bind(Path.of("/srv/data"), "/data", true, MountSpec.Propagation.RSLAVE))
                .mount(MountSpec.Bind.of(Path.of("/var/lib/x/hosts"), "/etc/hosts", false))
                .mount(new MountSpec.Tmpfs("/dev/shm", List.of("size=1m", "exec")))
                .build());
        List<String> destinations = destinations(spec);
        assertEquals(1, destinations.stream().filter(d -> d.equals("/dev/shm")).count());
        assertTrue(destinations.indexOf("/data") < destinations.indexOf("/data/sub"));
        assertEquals(List.of("rbind", "ro", "rslave"), mount(spec, "/data").options());
        assertEquals(List.of("rbind", "rprivate"), mount(spec, "/etc/hosts").options());
        assertEquals(List.of("exec", "nosuid", "nodev", "size=1m"), mount(spec, "/dev/shm").options());
        assertEquals("rslave", spec.linux().rootfsPropagation());
    }

    @Test
    void devicesArePassedWithTheirRules() {
        OciSpec spec = factory(V1).create(container().device(DeviceMapping.parse("/dev/null:/dev/extra-null:rw")).build());
        OciSpec.Device device = spec.linux().devices().get(0);
        assertEquals("/dev/extra-null", device.path());
        assertEquals("c", device.type());
        assertEquals(1, device.major());
        assertEquals(3, device.minor());
        assertEquals(new OciSpec.DeviceRule(true, "c", 1L, 3L, "rw"), spec.linux().resources().devices().get(spec.linux().resources().devices().size() - 1));
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class,
                () -> factory(V1).create(container().device(DeviceMapping.parse("/dev/no-such-device")).build())).kind());
    }

    @Test
    void theUserIsResolvedInTheImage() {
        assertEquals(new OciSpec.User(65534, 65534, null), factory(V1).create(container().user("nobody").build()).process().user());
        assertEquals(new OciSpec.User(65534, 65534, null), factory(V1).create(container().user("65534").build()).process().user());
        assertEquals(new OciSpec.User(65534, 0, List.of(65534L)), factory(V1).create(container().user("nobody:root").groupAdd(List.of("nogroup")).build()).process().user());
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class, () -> factory(V1).create(container().user("ghost").build())).kind());
    }

    @Test
    void theBundleIsWrittenAsTheSpecSaysAndReadsBack(@TempDir Path bundleDir) throws Exception {
        OciSpec spec = factory(V1).create(container().tty(true).resources(Resources.NONE.withUlimits(List.of(Ulimit.parse("core=-1")))).build());
        OciBundle bundle = new OciBundle(bundleDir).write(spec);
        String json = Files.readString(bundle.config());
        assertTrue(json.contains("\"hard\" : 18446744073709551615"), "unlimited is RLIM_INFINITY, unsigned");
        assertTrue(json.contains("\"terminal\" : true"));
        assertFalse(json.contains("null"), "absent fields are left out, not null");
        assertFalse(Files.exists(bundleDir.resolve("config.json.tmp")));
        assertEquals(spec, bundle.read());
    }

    @Test
    void containerSpecRefusesWhatDockerRefuses() {
        assertEquals("No command specified", assertThrows(EngineException.class,
                () -> ContainerSpec.builder("x", rootfs, List.of()).build()).getMessage());
        assertThrows(EngineException.class, () -> container().cwd("relative").build());
        assertThrows(IllegalArgumentException.class, () -> ContainerSpec.builder("../x", rootfs, List.of("true")).build());
        assertEquals("/", container().build().cwd());
    }

    @Test
    void theCgroupNamespaceIsDockersDefaultForTheHostUnlessAsked() {
        assertFalse(namespaces(factory(V1).create(container().build())).contains("cgroup"));
        assertTrue(namespaces(factory(V2).create(container().build())).contains("cgroup"));
        assertTrue(namespaces(factory(V1).create(container().cgroup(NamespaceMode.PRIVATE).build())).contains("cgroup"));
        assertFalse(namespaces(factory(V2).create(container().cgroup(NamespaceMode.HOST).build())).contains("cgroup"));
    }

    @Test
    void deviceCgroupRulesFollowDockersDefaultRules() {
        List<OciSpec.DeviceRule> rules = factory(V1).create(container().deviceCgroupRules(List.of("c 7:128 rwm", "a *:* m")).build())
                .linux().resources().devices();
        assertTrue(rules.contains(new OciSpec.DeviceRule(true, "c", 7L, 128L, "rwm")), rules.toString());
        assertTrue(rules.contains(new OciSpec.DeviceRule(true, null, null, null, "m")), rules.toString());
        assertThrows(EngineException.class, () -> OciSpecFactory.deviceRule("c 7:128 rwx"));
    }

    @Test
    void maskedAndReadonlyPathsGivenReplaceDockersDefaults() {
        OciSpec spec = factory(V1).create(container().maskedPaths(List.of("/proc/x")).readonlyPaths(List.of()).build());
        assertEquals(List.of("/proc/x"), spec.linux().maskedPaths());
        assertEquals(List.of(), spec.linux().readonlyPaths());
    }

    @Test
    void theDomainnameIsTheKernelSysctlInAPrivateUtsNamespace() {
        assertEquals("example.test", factory(V1).create(container().domainname("example.test").build()).linux().sysctl().get("kernel.domainname"));
        assertFalse(factory(V1).create(container().domainname("example.test").uts(NamespaceMode.HOST).build()).linux().sysctl()
                .containsKey("kernel.domainname"));
    }

    @Test
    void aTtysSizeAtStartIsTheConsoleSize() {
        assertEquals(new OciSpec.ConsoleSize(24, 80),
                factory(V1).create(container().tty(true).consoleSize(new OciSpec.ConsoleSize(24, 80)).build()).process().consoleSize());
        assertNull(factory(V1).create(container().consoleSize(new OciSpec.ConsoleSize(24, 80)).build()).process().consoleSize());
    }

    @Test
    void swappinessAndTheOomKillerSwitchReachTheMemoryCgroup() {
        OciSpec.Memory memory = factory(V1).create(container().resources(new Resources(0, 0, 0, 0, 0, 0, 0, null, null, 0, List.of(), 30L, true))
                .build()).linux().resources().memory();
        assertEquals(new OciSpec.Memory(null, null, null, 30L, true), memory);
    }

    @Test
    void annotationsGoToTheSpecAndNoneLeaveItOut() {
        assertEquals(Map.of("org.example/a", "1"), factory(V1).create(container().annotations(Map.of("org.example/a", "1")).build()).annotations());
        assertNull(factory(V1).create(container().build()).annotations());
    }

    private static List<String> namespaces(OciSpec spec) {
        return spec.linux().namespaces().stream().map(OciSpec.Namespace::type).toList();
    }
}
