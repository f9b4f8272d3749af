package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.spec.SeccompMode;
import io.jmachine.engine.runtime.spec.SeccompProfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecurityOptionsTest {

    private static EngineException refused(String... opts) {
        return assertThrows(EngineException.class, () -> SecurityOptions.parse(List.of(opts)));
    }

    @Test
    void noOptionsAreTheDefaults() {
        assertEquals(new SecurityOptions(false, SeccompMode.DEFAULT), SecurityOptions.parse(List.of()));
    }

    @Test
    void noNewPrivilegesTakesDockersForms() {
        for (String opt : List.of("no-new-privileges", "no-new-privileges=true", "no-new-privileges:true", "no-new-privileges=1",
                "no-new-privileges=True")) {
            assertTrue(SecurityOptions.parse(List.of(opt)).noNewPrivileges(), opt);
        }
        assertFalse(SecurityOptions.parse(List.of("no-new-privileges", "no-new-privileges=false")).noNewPrivileges(), "the last one wins");
        EngineException bad = refused("no-new-privileges=maybe");
        assertEquals(EngineException.Kind.INVALID, bad.kind());
        assertEquals("invalid --security-opt 2: \"no-new-privileges=maybe\"", bad.getMessage());
    }

    @Test
    void unknownKeysAndOptionsWithoutValueAreRefusedAsDockerdDoes() {
        assertEquals("invalid --security-opt 2: \"unknown=x\"", refused("unknown=x").getMessage());
        assertEquals("invalid --security-opt 2: \"writable-cgroups=true\"", refused("writable-cgroups=true").getMessage());
        assertEquals("invalid --security-opt 1: \"label\"", refused("label").getMessage());
        assertEquals(EngineException.Kind.INVALID, refused("seccomp").kind());
    }

    @Test
    void labelAndApparmorAreAcceptedAsOnAHostWithoutThem() {
        assertEquals(new SecurityOptions(false, SeccompMode.DEFAULT),
                SecurityOptions.parse(List.of("label=disable", "label:type:svirt_t", "disable", "apparmor=unconfined", "apparmor:docker-default")));
    }

    @Test
    void seccompIsTheDefaultUnconfinedBuiltinOrAProfile() {
        assertSame(SeccompMode.UNCONFINED, SecurityOptions.parse(List.of("seccomp=unconfined")).seccomp());
        assertSame(SeccompMode.UNCONFINED, SecurityOptions.parse(List.of("seccomp:unconfined")).seccomp());
        assertSame(SeccompMode.DEFAULT, SecurityOptions.parse(List.of("seccomp=")).seccomp(), "empty, as dockerd: no profile named");
        assertSame(SeccompProfile.dockerDefault(),
                assertInstanceOf(SeccompMode.Profile.class, SecurityOptions.parse(List.of("seccomp=builtin")).seccomp()).profile());
        SeccompMode given = SecurityOptions.parse(List.of(
                "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}")).seccomp();
        assertInstanceOf(SeccompMode.Profile.class, given);
    }

    @Test
    void aProfileThatCannotBeParsedIsA400NamingTheProblem() {
        EngineException both = refused("seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"mkdir\",\"names\":[\"rmdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
        assertEquals(EngineException.Kind.INVALID, both.kind());
        assertEquals("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'", both.getMessage());
        assertTrue(refused("seccomp={\"defaultAction\":").getMessage().startsWith("Decoding seccomp profile failed: "));
        assertTrue(refused("seccomp=default").getMessage().contains("the built-in profile is 'builtin'"));
    }
}
