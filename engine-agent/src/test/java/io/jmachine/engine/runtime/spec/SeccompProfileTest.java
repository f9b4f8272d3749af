package io.jmachine.engine.runtime.spec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeccompProfileTest {

    static final SeccompProfile.KernelVersion KERNEL = SeccompProfile.KernelVersion.parse("6.1.0-13-amd64");

    static final String PROFILE = """
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "defaultErrnoRet": 1,
              "archMap": [
                {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
              ],
              "syscalls": [
                {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "comment": "always"},
                {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
                {"names": ["bpf"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                {"names": ["bpf"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                {"names": ["clone3"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "5.3"}},
                {"names": ["ancient"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "4.0"}},
                {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
                {"name": "legacy", "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["arm64"]}}
              ]
            }
            """;

    private static List<String> allowed(OciSpec.Seccomp seccomp) {
        return seccomp.syscalls().stream().filter(s -> s.action().equals("SCMP_ACT_ALLOW")).flatMap(s -> s.names().stream()).toList();
    }

    @Test
    void rulesFollowIncludesAndExcludes() {
        SeccompProfile profile = SeccompProfile.parse(PROFILE);
        OciSpec.Seccomp plain = profile.forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "amd64", KERNEL);
        assertEquals("SCMP_ACT_ERRNO", plain.defaultAction());
        assertEquals(1, plain.defaultErrnoRet());
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), plain.architectures());
        assertEquals(List.of("read", "write", "arch_prctl", "clone3", "personality", "legacy"), allowed(plain));
        OciSpec.Syscall deniedBpf = plain.syscalls().stream().filter(s -> s.names().equals(List.of("bpf"))).findFirst().orElseThrow();
        assertEquals("SCMP_ACT_ERRNO", deniedBpf.action());
        assertEquals(1, deniedBpf.errnoRet());
        OciSpec.Syscall personality = plain.syscalls().stream().filter(s -> s.names().equals(List.of("personality"))).findFirst().orElseThrow();
        assertEquals(List.of(new OciSpec.SyscallArg(0, 8, 0, "SCMP_CMP_EQ")), personality.args());

        OciSpec.Seccomp admin = profile.forContainer(List.of("CAP_SYS_ADMIN"), "arm64", SeccompProfile.KernelVersion.parse("3.10"));
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), admin.architectures());
        assertEquals(List.of("read", "write", "bpf", "ancient", "personality"), allowed(admin));
        assertTrue(admin.syscalls().stream().noneMatch(s -> s.action().equals("SCMP_ACT_ERRNO")), "the excluded errno rule is gone");
    }

    @Test
    void anArchitectureMissingFromTheMapLeavesItToTheRuntime() {
        assertNull(SeccompProfile.parse(PROFILE).forContainer(List.of(), "riscv64", KERNEL).architectures());
    }

    /** Names allowed without argument conditions. */
    private static Set<String> allowedOutright(OciSpec.Seccomp seccomp) {
        return seccomp.syscalls().stream().filter(s -> s.action().equals("SCMP_ACT_ALLOW") && s.args() == null)
                .flatMap(s -> s.names().stream()).collect(Collectors.toSet());
    }

    private static List<OciSpec.Syscall> rulesFor(OciSpec.Seccomp seccomp, String name) {
        return seccomp.syscalls().stream().filter(s -> s.names().contains(name)).toList();
    }

    private static OciSpec.Seccomp dockerDefault(Collection<String> caps) {
        return SeccompProfile.dockerDefault().forContainer(caps, "amd64", KERNEL);
    }

    @Test
    void theDefaultIsDockersProfileFromMobyProfiles() {
        OciSpec.Seccomp plain = dockerDefault(LinuxCapabilities.DOCKER_DEFAULTS);
        assertEquals("moby/profiles seccomp v0.2.3", SeccompProfile.DOCKER_DEFAULT_VERSION);
        assertEquals("SCMP_ACT_ERRNO", plain.defaultAction());
        assertEquals(1, plain.defaultErrnoRet(), "EPERM for what the profile does not name, as Docker");
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), plain.architectures());
        Set<String> allowed = allowedOutright(plain);
        assertTrue(allowed.containsAll(List.of("read", "execve", "arch_prctl", "chroot", "mkdirat", "ptrace")), "defaults, SYS_CHROOT, kernel >= 4.8");
        assertFalse(allowed.contains("sync_file_range2"), "a ppc64le and arm rule");
        assertFalse(allowed.contains("bpf"));
    }

    @Test
    void unshareMountAndNamespaceClonesNeedCapSysAdmin() {
        OciSpec.Seccomp plain = dockerDefault(LinuxCapabilities.DOCKER_DEFAULTS);
        Set<String> allowed = allowedOutright(plain);
        for (String name : List.of("unshare", "setns", "mount", "umount2", "clone", "clone3", "fsopen", "open_tree")) {
            assertFalse(allowed.contains(name), name + " without CAP_SYS_ADMIN");
        }
        assertTrue(rulesFor(plain, "unshare").isEmpty(), "unshare falls to the default action, EPERM");
        assertEquals(List.of(new OciSpec.Syscall(List.of("clone"), "SCMP_ACT_ALLOW", null,
                        List.of(new OciSpec.SyscallArg(0, 0x7E020000L, 0, "SCMP_CMP_MASKED_EQ")))), rulesFor(plain, "clone"),
                "clone only without CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP");
        assertEquals(List.of(new OciSpec.Syscall(List.of("clone3"), "SCMP_ACT_ERRNO", 38, null)), rulesFor(plain, "clone3"),
                "ENOSYS, so that libc falls back to clone and its flag check");

        OciSpec.Seccomp admin = dockerDefault(List.of("CAP_CHOWN", "CAP_SYS_ADMIN"));
        assertTrue(allowedOutright(admin).containsAll(List.of("unshare", "setns", "mount", "clone", "clone3", "bpf")));
        assertTrue(rulesFor(admin, "clone3").stream().allMatch(s -> s.action().equals("SCMP_ACT_ALLOW")), "no ENOSYS rule left");
        assertTrue(rulesFor(admin, "clone").stream().allMatch(s -> s.args() == null), "no flag check left");
    }

    @Test
    void onS390TheCloneFlagsAreTheSecondArgument() {
        OciSpec.Seccomp s390 = SeccompProfile.dockerDefault().forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "s390x", KERNEL);
        assertEquals(List.of("SCMP_ARCH_S390X", "SCMP_ARCH_S390"), s390.architectures());
        assertEquals(List.of(List.of(new OciSpec.SyscallArg(1, 0x7E020000L, 0, "SCMP_CMP_MASKED_EQ"))),
                rulesFor(s390, "clone").stream().map(OciSpec.Syscall::args).toList());
    }

    @Test
    void keyringSyscallsAreDeniedWhateverTheCapabilities() {
        List<String> every = new ArrayList<>(LinuxCapabilitiesTest.HELD);
        every.add("CAP_SYS_ADMIN");
        for (Collection<String> caps : List.of(LinuxCapabilities.DOCKER_DEFAULTS, every)) {
            OciSpec.Seccomp seccomp = dockerDefault(caps);
            for (String name : List.of("keyctl", "add_key", "request_key")) {
                assertTrue(rulesFor(seccomp, name).isEmpty(), name + " is named by no rule, so it gets EPERM");
            }
        }
    }

    @Test
    void personalityIsAllowedOnlyForDockersPersonas() {
        OciSpec.Seccomp plain = dockerDefault(LinuxCapabilities.DOCKER_DEFAULTS);
        List<OciSpec.Syscall> rules = rulesFor(plain, "personality");
        assertEquals(List.of(0L, 8L, 0x20000L, 0x20008L, 0xffffffffL),
                rules.stream().map(s -> s.args().getFirst()).peek(a -> assertEquals("SCMP_CMP_EQ", a.op())).map(OciSpec.SyscallArg::value).toList(),
                "PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32 and the query; ADDR_NO_RANDOMIZE and the rest are denied");
    }

    @Test
    void ptraceNeedsKernel48OrCapSysPtrace() {
        SeccompProfile profile = SeccompProfile.dockerDefault();
        SeccompProfile.KernelVersion old = SeccompProfile.KernelVersion.parse("4.4.0-210-generic");
        assertFalse(allowedOutright(profile.forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "amd64", old)).contains("ptrace"),
                "before 4.8 seccomp could be bypassed with ptrace");
        assertTrue(allowedOutright(profile.forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "amd64", SeccompProfile.KernelVersion.parse("4.8")))
                .contains("ptrace"));
        assertTrue(allowedOutright(profile.forContainer(List.of("CAP_SYS_PTRACE"), "amd64", old)).contains("ptrace"));
    }

    @Test
    void otherCapabilitiesOpenTheirOwnSyscalls() {
        Set<String> plain = allowedOutright(dockerDefault(LinuxCapabilities.DOCKER_DEFAULTS));
        Set<String> more = allowedOutright(dockerDefault(List.of("CAP_SYS_TIME", "CAP_SYS_MODULE", "CAP_SYS_BOOT", "CAP_SYSLOG")));
        for (String name : List.of("settimeofday", "clock_settime", "init_module", "reboot", "syslog")) {
            assertFalse(plain.contains(name), name);
            assertTrue(more.contains(name), name);
        }
    }

    @Test
    void aProfileCanTurnSeccompOffAndPassItsFlags() {
        assertNull(SeccompProfile.parse("{}").forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "amd64", KERNEL),
                "no defaultAction and no rules: moby runs without a filter");
        OciSpec.Seccomp logged = SeccompProfile.parse("""
                {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """).forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "amd64", KERNEL);
        assertEquals(List.of("SECCOMP_FILTER_FLAG_LOG"), logged.flags());
        assertNull(logged.architectures(), "none given: the runtime's native one");
        assertEquals(List.of(new OciSpec.Syscall(List.of("mkdir", "mkdirat"), "SCMP_ACT_ERRNO", null, null)), logged.syscalls());
    }

    private static String refusal(String json) {
        return assertThrows(IllegalArgumentException.class, () -> SeccompProfile.parse(json)).getMessage();
    }

    @Test
    void aProfileThatCannotBeUsedIsRefusedNamingTheProblem() {
        assertEquals("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'",
                refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"mkdir\", \"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"));
        assertEquals("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
                refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"], "
                        + "\"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}"));
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOPE\"}]}")
                .startsWith("unknown seccomp action \"SCMP_ACT_NOPE\" in the rule for mkdir: use one of SCMP_ACT_ALLOW, "));
        assertTrue(refusal("{\"defaultAction\": \"ALLOW\"}").startsWith("unknown seccomp defaultAction \"ALLOW\": use one of "));
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", "
                + "\"args\": [{\"index\": 0, \"value\": 1, \"op\": \"EQ\"}]}]}").startsWith("unknown seccomp operator \"EQ\" in the rule for mkdir"));
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"x86_64\"]}").startsWith("unknown seccomp architecture \"x86_64\""));
        assertEquals("invalid kernel version: \"4\", expected \"<kernel>.<major>\"", refusal(
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"4\"}}]}"));
        assertEquals("the seccomp profile has syscall rules but no defaultAction: give one, such as SCMP_ACT_ERRNO",
                refusal("{\"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"));
        assertTrue(refusal("{\"defaultAction\": ").startsWith("Decoding seccomp profile failed: "));
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\"} {}").startsWith("Decoding seccomp profile failed: "), "trailing data, as Go refuses it");
        assertTrue(refusal("default").contains("the built-in profile is 'builtin'"));
    }

    @Test
    void fieldNamesMatchInAnyCaseAsGoReadsThem() {
        OciSpec.Seccomp seccomp = SeccompProfile.parse("{\"DefaultAction\": \"SCMP_ACT_ALLOW\", \"Syscalls\": [{\"Names\": [\"mkdir\"], \"Action\": \"SCMP_ACT_ERRNO\"}]}")
                .forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "amd64", KERNEL);
        assertEquals("SCMP_ACT_ALLOW", seccomp.defaultAction());
        assertEquals(List.of("mkdir"), seccomp.syscalls().getFirst().names());
    }

    @Test
    void kernelVersionsCompareByMajorAndMinor() {
        assertEquals(new SeccompProfile.KernelVersion(6, 18), SeccompProfile.KernelVersion.parse("6.18.44-fc-v669"));
        assertTrue(SeccompProfile.KernelVersion.parse("5.10").compareTo(SeccompProfile.KernelVersion.parse("5.3")) > 0);
        assertEquals("amd64", SeccompProfile.goArch("x86_64"));
        assertEquals("arm64", SeccompProfile.goArch("aarch64"));
    }

}
