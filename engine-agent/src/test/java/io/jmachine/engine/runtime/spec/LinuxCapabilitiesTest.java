package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxCapabilitiesTest {

    /** /proc/self/status of this build host: everything but CAP_SYS_RESOURCE (bit 24). */
    static final String HOST_STATUS = """
            Name:\tjava
            CapInh:\t0000000000000000
            CapPrm:\t000001fffeffffff
            CapEff:\t000001fffeffffff
            CapBnd:\t000001fffeffffff
            CapAmb:\t0000000000000000
            """;

    static final Set<String> HELD = LinuxCapabilities.heldIn(HOST_STATUS);

    @Test
    void dockersDefaultsHaveDockersMask() {
        assertEquals(14, LinuxCapabilities.DOCKER_DEFAULTS.size());
        assertEquals("00000000a80425fb", LinuxCapabilities.mask(LinuxCapabilities.DOCKER_DEFAULTS));
        List<String> caps = LinuxCapabilities.forContainer(HELD, List.of(), List.of(), false);
        assertEquals("00000000a80425fb", LinuxCapabilities.mask(caps));
        assertEquals("CAP_CHOWN", caps.get(0), "number order");
        assertEquals("CAP_SETFCAP", caps.get(caps.size() - 1));
    }

    @Test
    void heldCapabilitiesComeFromEffectiveAndBoundingSets() {
        assertEquals(40, HELD.size());
        assertFalse(HELD.contains("CAP_SYS_RESOURCE"));
        assertTrue(HELD.contains("CAP_CHECKPOINT_RESTORE"));
        String narrowBounding = HOST_STATUS.replace("CapBnd:\t000001fffeffffff", "CapBnd:\t00000000a80425fb");
        assertEquals(Set.copyOf(LinuxCapabilities.DOCKER_DEFAULTS), LinuxCapabilities.heldIn(narrowBounding));
    }

    @Test
    void privilegedGetsWhatTheEngineHoldsAndIgnoresDrops() {
        List<String> caps = LinuxCapabilities.forContainer(HELD, List.of(), List.of("CHOWN"), true);
        assertEquals(40, caps.size());
        assertEquals("000001fffeffffff", LinuxCapabilities.mask(caps));
    }

    @Test
    void addAndDropAcceptEveryNameForm() {
        List<String> caps = LinuxCapabilities.forContainer(HELD, List.of("sys_admin", "CAP_NET_ADMIN"), List.of("mknod", "CAP_NET_RAW"), false);
        assertTrue(caps.containsAll(List.of("CAP_SYS_ADMIN", "CAP_NET_ADMIN")));
        assertFalse(caps.contains("CAP_MKNOD"));
        assertFalse(caps.contains("CAP_NET_RAW"));
        assertEquals(14, caps.size());
    }

    @Test
    void addAllGivesEverythingHeldExceptDrops() {
        List<String> caps = LinuxCapabilities.forContainer(HELD, List.of("ALL"), List.of("SYS_ADMIN"), false);
        assertEquals(39, caps.size());
        assertFalse(caps.contains("CAP_SYS_ADMIN"));
    }

    @Test
    void dropAllKeepsOnlyAdds() {
        assertEquals(List.of("CAP_KILL", "CAP_NET_BIND_SERVICE"),
                LinuxCapabilities.forContainer(HELD, List.of("NET_BIND_SERVICE", "KILL"), List.of("all"), false));
    }

    @Test
    void unknownNamesAreRefusedWithDockersWords() {
        EngineException e = assertThrows(EngineException.class, () -> LinuxCapabilities.forContainer(HELD, List.of("FOO"), List.of(), false));
        assertEquals(EngineException.Kind.INVALID, e.kind());
        assertEquals("invalid CapAdd: unknown capability: \"CAP_FOO\"", e.getMessage());
    }

    @Test
    void aCapabilityTheEngineLacksCannotBeAdded() {
        EngineException e = assertThrows(EngineException.class,
                () -> LinuxCapabilities.forContainer(HELD, List.of("SYS_RESOURCE"), List.of(), false));
        assertTrue(e.getMessage().contains("CAP_SYS_RESOURCE"), e.getMessage());
    }
}
