package io.jmachine.engine.volume;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountParserTest {

    private final ObjectMapper json = JsonMapper.builder().build();
    private final MountParser parser = new MountParser(json);

    @TempDir
    Path dir;

    @Test
    void aNameAndAPathIsANamedVolumeWithDockersDefaultMode() {
        MountPoint mount = parser.parseBind("data:/var/lib/data/").mount();
        assertEquals(MountPoint.Type.VOLUME, mount.type());
        assertEquals("data", mount.name());
        assertEquals("/var/lib/data", mount.destination());
        assertEquals("z", mount.mode());
        assertTrue(mount.rw());
        assertTrue(mount.copyData());
        assertFalse(mount.anonymous());
        assertEquals("", mount.propagation());
    }

    @Test
    void modesMakeVolumesReadOnlyOrUncopied() {
        MountPoint ro = parser.parseBind("data:/d:ro").mount();
        assertFalse(ro.rw());
        assertEquals("ro", ro.mode());
        assertFalse(parser.parseBind("data:/d:nocopy").mount().copyData());
    }

    @Test
    void anAbsoluteSourceIsABindThatDockerCreatesWhenMissing() {
        MountPoint mount = parser.parseBind("/srv/www:/www").mount();
        assertEquals(MountPoint.Type.BIND, mount.type());
        assertEquals("/srv/www", mount.source());
        assertEquals("rprivate", mount.propagation());
        assertTrue(mount.createSource());
        assertFalse(mount.copyData(), "binds are never populated");

        MountPoint shared = parser.parseBind("/srv/www:/www:ro,rshared").mount();
        assertFalse(shared.rw());
        assertEquals("rshared", shared.propagation());
        assertEquals("ro,rshared", shared.mode());
    }

    @Test
    void aPathAloneIsAnAnonymousVolume() {
        MountPoint mount = parser.parseBind("/cache").mount();
        assertEquals(MountPoint.Type.VOLUME, mount.type());
        assertEquals("", mount.name());
        assertTrue(mount.anonymous());
        MountPoint image = parser.anonymousVolume("/data/").mount();
        assertTrue(image.anonymous());
        assertEquals("/data", image.destination());
        assertEquals("", image.mode());
    }

    @Test
    void malformedSpecificationsAreRefusedWithDockersWording() {
        assertMessage("invalid volume specification: '/foo:rw'", () -> parser.parseBind("/foo:rw"));
        assertMessage("invalid volume specification: ':/x'", () -> parser.parseBind(":/x"));
        assertMessage("invalid volume specification: 'a:/b:ro:d'", () -> parser.parseBind("a:/b:ro:d"));
        assertMessage("invalid mode: bogus", () -> parser.parseBind("/h:/c:bogus"));
        assertMessage("invalid mode: ro,rw", () -> parser.parseBind("/h:/c:ro,rw"));
        assertMessage("invalid volume specification: '/h:rel': invalid mount config for type \"bind\": "
                + "invalid mount path: 'rel' mount path must be absolute", () -> parser.parseBind("/h:rel"));
        assertMessage("invalid volume specification: '/h:/': invalid mount config for type \"bind\": "
                + "invalid specification: destination can't be '/'", () -> parser.parseBind("/h:/"));
        assertMessage("invalid volume specification: '/h:/c:nocopy': invalid mount config for type \"bind\": "
                + "field VolumeOptions must not be specified", () -> parser.parseBind("/h:/c:nocopy"));
        assertMessage("invalid volume specification: 'v:/c:rshared': invalid mount config for type \"volume\": "
                + "field BindOptions must not be specified", () -> parser.parseBind("v:/c:rshared"));
    }

    @Test
    void mountSyntaxBindsNeedAnExistingSourceUnlessAskedToCreateIt() {
        String missing = dir.resolve("missing").toString();
        assertMessage("invalid mount config for type \"bind\": bind source path does not exist: " + missing,
                () -> parser.parseMount(json.valueToTree(Map.of("Type", "bind", "Source", missing, "Target", "/m"))));
        MountPoint created = parser.parseMount(json.valueToTree(Map.of("Type", "bind", "Source", missing, "Target", "/m",
                "BindOptions", Map.of("CreateMountpoint", true)))).mount();
        assertTrue(created.createSource());
        MountPoint bind = parser.parseMount(json.valueToTree(Map.of("Type", "bind", "Source", dir.toString(), "Target", "/m",
                "ReadOnly", true, "BindOptions", Map.of("Propagation", "rslave")))).mount();
        assertFalse(bind.rw());
        assertEquals("rslave", bind.propagation());
        assertFalse(bind.createSource(), "--mount never creates a missing source by itself");
        assertMessage("invalid mount config for type \"bind\": invalid propagation mode: sideways",
                () -> parser.parseMount(json.valueToTree(Map.of("Type", "bind", "Source", dir.toString(), "Target", "/m",
                        "BindOptions", Map.of("Propagation", "sideways")))));
    }

    @Test
    void mountSyntaxVolumesCarryTheirDriverSettings() {
        MountRequest request = parser.parseMount(json.valueToTree(Map.of("Type", "volume", "Source", "v", "Target", "/m",
                "VolumeOptions", Map.of("NoCopy", true, "Labels", Map.of("a", "b"), "DriverConfig", Map.of("Name", "local")))));
        assertEquals("v", request.mount().name());
        assertFalse(request.mount().copyData());
        assertEquals(Map.of("a", "b"), request.labels());
        assertEquals("local", request.driver());
        assertTrue(parser.parseMount(json.valueToTree(Map.of("Type", "volume", "Target", "/m"))).mount().anonymous());
        assertMessage("invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes",
                () -> parser.parseMount(json.valueToTree(Map.of("Type", "volume", "Target", "/m", "ReadOnly", true))));
        assertMessage("invalid mount config for type \"volume\": field BindOptions must not be specified",
                () -> parser.parseMount(json.valueToTree(Map.of("Type", "volume", "Source", "v", "Target", "/m",
                        "BindOptions", Map.of("Propagation", "rshared")))));
    }

    @Test
    void mountSyntaxTmpfsBecomesMountOptions() {
        MountPoint tmpfs = parser.parseMount(json.valueToTree(Map.of("Type", "tmpfs", "Target", "/t",
                "TmpfsOptions", Map.of("SizeBytes", 64L << 20, "Mode", 01770)))).mount();
        assertEquals(MountPoint.Type.TMPFS, tmpfs.type());
        assertEquals(List.of("mode=1770", "size=64m"), tmpfs.tmpfsOptions());
        assertMessage("invalid mount config for type \"tmpfs\": field Source must not be specified",
                () -> parser.parseMount(json.valueToTree(Map.of("Type", "tmpfs", "Source", "x", "Target", "/t"))));
    }

    @Test
    void mountSyntaxNeedsAKnownTypeAndATarget() {
        assertMessage("invalid mount config for type \"floppy\": mount type unknown",
                () -> parser.parseMount(json.valueToTree(Map.of("Type", "floppy", "Target", "/t"))));
        assertMessage("invalid mount config for type \"volume\": field Target must not be empty",
                () -> parser.parseMount(json.valueToTree(Map.of("Type", "volume", "Source", "v"))));
    }

    @Test
    void volumesFromTakesAContainerAndAnRwOrRoMode() {
        assertEquals(new MountParser.VolumesFrom("web", "rw"), parser.parseVolumesFrom("web"));
        assertFalse(parser.parseVolumesFrom("web:ro").readWrite());
        assertTrue(parser.parseVolumesFrom("web:rw").readWrite());
        assertMessage("invalid mode: rshared", () -> parser.parseVolumesFrom("web:rshared"));
        assertMessage("invalid mode: nocopy", () -> parser.parseVolumesFrom("web:nocopy"));
        assertMessage("volumes-from specification cannot be an empty string", () -> parser.parseVolumesFrom(""));
    }

    @Test
    void sharingThroughVolumesFromKeepsTheSourceAndNeverWidensAccess() {
        MountPoint original = parser.parseBind("data:/d:ro").mount().withVolume("data", "local", "/v/data/_data");
        MountPoint shared = original.sharedWith(true);
        assertEquals("/v/data/_data", shared.source());
        assertFalse(shared.rw(), "a read-only original stays read-only");
        assertFalse(shared.copyData());
        assertFalse(parser.parseBind("data:/d").mount().sharedWith(false).rw());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        EngineException e = assertThrows(EngineException.class, call);
        assertEquals(EngineException.Kind.INVALID, e.kind());
        assertEquals(expected, e.getMessage());
    }
}
