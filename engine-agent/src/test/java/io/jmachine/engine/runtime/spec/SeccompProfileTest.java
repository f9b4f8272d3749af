package io.jmachine.engine.runtime.spec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

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

    @Test
    void debiansProfileConvertsAsDockersWould() {
        SeccompProfile debian = SeccompProfile.load(SeccompProfile.DEBIAN_DEFAULT);
        OciSpec.Seccomp plain = debian.forContainer(LinuxCapabilities.DOCKER_DEFAULTS, "amd64", KERNEL);
        assertEquals("SCMP_ACT_ERRNO", plain.defaultAction());
        assertEquals(38, plain.defaultErrnoRet(), "ENOSYS for unknown syscalls, so new ones fall back cleanly");
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), plain.architectures());
        List<String> allowedPlain = allowed(plain);
        assertTrue(allowedPlain.containsAll(List.of("read", "execve", "arch_prctl", "chroot")), "defaults and SYS_CHROOT rules");
        assertFalse(allowedPlain.contains("bpf"));
        assertFalse(allowedPlain.contains("sync_file_range2"), "a ppc64le-only rule");

        Set<String> withAdmin = Set.copyOf(allowed(debian.forContainer(List.of("CAP_SYS_ADMIN", "CAP_SYS_CHROOT"), "amd64", KERNEL)));
        assertTrue(withAdmin.contains("bpf"));
        assertTrue(plain.syscalls().size() > 10);
    }

    @Test
    void kernelVersionsCompareByMajorAndMinor() {
        assertEquals(new SeccompProfile.KernelVersion(6, 18), SeccompProfile.KernelVersion.parse("6.18.44-fc-v669"));
        assertTrue(SeccompProfile.KernelVersion.parse("5.10").compareTo(SeccompProfile.KernelVersion.parse("5.3")) > 0);
        assertEquals("amd64", SeccompProfile.goArch("x86_64"));
        assertEquals("arm64", SeccompProfile.goArch("aarch64"));
    }

    @Test
    void aProfileWithoutDefaultActionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SeccompProfile.parse("{\"syscalls\": []}"));
        assertThrows(IllegalArgumentException.class, () -> SeccompProfile.parse("not json"));
    }
}
