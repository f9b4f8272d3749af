package io.jmachine.engine.volume;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.events.EventBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The volume service over a real folder, with a map standing in for the containers that mount volumes. */
class VolumeServiceTest {

    @TempDir
    Path dataRoot;

    private final ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07.89Z"), ZoneOffset.UTC);
    private final Map<String, List<String>> users = new HashMap<>();
    private final List<String> events = new ArrayList<>();

    private VolumeService open() {
        EventBus bus = new EventBus(clock);
        bus.subscribe(e -> events.add(e.type() + " " + e.action() + " " + e.actor().id()), 0);
        return VolumeService.open(dataRoot, json, name -> users.getOrDefault(name, List.of()), bus, clock);
    }

    private static Filters filters(String key, String... values) {
        return new Filters(Map.of(key, List.of(values)));
    }

    private static Filters none() {
        return new Filters(Map.of());
    }

    @Test
    void aNamedVolumeLivesInDockersLayoutAndSurvivesARestart() throws Exception {
        VolumeService volumes = open();
        Volume created = volumes.create("data", "", Map.of("team", "a"), Map.of());
        assertEquals(dataRoot.resolve("volumes/data/_data"), created.mountpoint());
        assertTrue(Files.isDirectory(created.mountpoint()));
        assertEquals(Instant.parse("2026-03-04T05:06:07Z"), created.createdAt());
        Files.writeString(created.mountpoint().resolve("f"), "kept");

        Volume reloaded = open().get("data");
        assertEquals(created, reloaded);
        assertEquals("local", reloaded.driver());
        assertEquals(Map.of("team", "a"), reloaded.labels());
        assertEquals(created, volumes.create("data", "local", Map.of(), Map.of()), "creating an existing name returns it");
    }

    @Test
    void withoutANameTheVolumeIsAnonymous() {
        Volume volume = open().create("", null, null, null);
        assertTrue(volume.name().matches("[0-9a-f]{64}"), volume.name());
        assertTrue(volume.isAnonymous());
    }

    @Test
    void badNamesDriversAndOptionsAreRefused() {
        VolumeService volumes = open();
        EngineException name = assertThrows(EngineException.class, () -> volumes.create("a/b", "", null, null));
        assertEquals(EngineException.Kind.INVALID, name.kind());
        assertTrue(name.getMessage().startsWith("create a/b: \"a/b\" includes invalid characters for a local volume name"), name.getMessage());
        EngineException driver = assertThrows(EngineException.class, () -> volumes.create("xy", "nfs-plugin", null, null));
        assertEquals(EngineException.Kind.NOT_FOUND, driver.kind(), "a driver this engine lacks is a plugin not found, as in dockerd");
        assertTrue(driver.getMessage().startsWith("create xy: error looking up volume plugin nfs-plugin: plugin \"nfs-plugin\" not found"),
                driver.getMessage());
        assertFalse(Files.exists(dataRoot.resolve("volumes/xy")));
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class, () -> volumes.create("x", "", null, Map.of("type", "tmpfs"))).kind());
        assertFalse(Files.exists(dataRoot.resolve("volumes/x")));
    }

    @Test
    void aVolumeInUseIsNotRemovedEvenWhenForced() {
        VolumeService volumes = open();
        volumes.create("data", "", null, null);
        users.put("data", List.of("c1", "c2"));
        EngineException e = assertThrows(EngineException.class, () -> volumes.remove("data", true));
        assertEquals(EngineException.Kind.CONFLICT, e.kind());
        assertEquals("remove data: volume is in use - [c1 c2]", e.getMessage());
        assertFalse(volumes.removeIfUnused("data"));

        users.clear();
        volumes.remove("data", false);
        assertFalse(Files.exists(dataRoot.resolve("volumes/data")));
        assertEquals("get data: no such volume", assertThrows(EngineException.class, () -> volumes.get("data")).getMessage());
        assertEquals(EngineException.Kind.NOT_FOUND, assertThrows(EngineException.class, () -> volumes.remove("data", false)).kind());
        volumes.remove("data", true);
    }

    @Test
    void aVolumeHeldForAContainerBeingCreatedIsInUseUntilReleased() {
        VolumeService volumes = open();
        Volume held = volumes.acquire("data", "", null, null, "c9");
        assertEquals(List.of("c9"), volumes.users("data"));
        assertEquals(EngineException.Kind.CONFLICT, assertThrows(EngineException.class, () -> volumes.remove("data", false)).kind());
        volumes.release("c9");
        assertTrue(volumes.removeIfUnused(held.name()));
    }

    @Test
    void pruneTakesUnusedAnonymousVolumesUnlessAskedForAll() throws Exception {
        VolumeService volumes = open();
        volumes.create("named", "", null, null);
        Volume unused = volumes.create("", "", null, null);
        Files.write(unused.mountpoint().resolve("blob"), new byte[1000]);
        Volume used = volumes.create("", "", null, null);
        users.put(used.name(), List.of("c1"));

        VolumeService.PruneReport anonymous = volumes.prune(VolumeFilters.forPrune(none()));
        assertEquals(List.of(unused.name()), anonymous.deleted());
        assertEquals(1000, anonymous.spaceReclaimed());

        assertEquals(List.of("named"), volumes.prune(VolumeFilters.forPrune(filters("all", "true"))).deleted());
        assertEquals(List.of(used.name()), volumes.list(VolumeFilters.forList(none())).stream().map(Volume::name).toList());
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class, () -> VolumeFilters.forPrune(filters("all", "maybe"))).kind());
    }

    @Test
    void listFiltersByNameLabelDriverAndDangling() {
        VolumeService volumes = open();
        volumes.create("web-data", "", Map.of("tier", "web"), null);
        volumes.create("db-data", "", Map.of("tier", "db"), null);
        users.put("db-data", List.of("c1"));
        assertEquals(List.of("web-data"), names(volumes, filters("name", "web")));
        assertEquals(List.of("db-data", "web-data"), names(volumes, filters("name", "-data$")));
        assertEquals(List.of("db-data"), names(volumes, filters("label", "tier=db")));
        assertEquals(List.of("web-data"), names(volumes, filters("dangling", "true")));
        assertEquals(List.of("db-data"), names(volumes, filters("dangling", "false")));
        assertEquals(List.of("db-data", "web-data"), names(volumes, filters("driver", "local")));
        assertEquals(EngineException.Kind.INVALID, assertThrows(EngineException.class, () -> VolumeFilters.forList(filters("colour", "red"))).kind());
    }

    @Test
    void aFolderACrashLeftWithoutItsRecordIsCleanedAtStart() throws Exception {
        Files.createDirectories(dataRoot.resolve("volumes/half/_data"));
        VolumeService volumes = open();
        assertTrue(volumes.find("half").isEmpty());
        assertFalse(Files.exists(dataRoot.resolve("volumes/half")));
    }

    @Test
    void createAndRemovalAreEvents() {
        VolumeService volumes = open();
        volumes.create("data", "", null, null);
        volumes.remove("data", false);
        assertEquals(List.of("volume create data", "volume destroy data"), events);
    }

    private static List<String> names(VolumeService volumes, Filters filters) {
        return volumes.list(VolumeFilters.forList(filters)).stream().map(Volume::name).toList();
    }
}
