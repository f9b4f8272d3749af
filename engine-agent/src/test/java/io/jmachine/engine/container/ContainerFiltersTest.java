package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.container.ContainerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerFiltersTest {

    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static final ContainerRecord OLD = record("a1", "old", "2026-01-01T00:00:00Z", "exited", """
            "HostConfig": {"NetworkMode": "bridge"},
            "MountPoints": [{"Type": "volume", "Name": "data", "Destination": "/data"}]""");
    private static final ContainerRecord MID = record("b2", "mid", "2026-01-02T00:00:00Z", "running", """
            "Network": {"Networks": [{"Name": "backend", "NetworkID": "5f3e9a"}]},
            "MountPoints": [{"Type": "bind", "Source": "/srv/www", "Destination": "/www"}]""");
    private static final ContainerRecord NEW = record("c3", "new", "2026-01-03T00:00:00Z", "running", "\"Network\": {}");
    private static final Function<String, ContainerRecord> RESOLVE = name -> switch (name) {
        case "old" -> OLD;
        case "mid" -> MID;
        case "new" -> NEW;
        default -> throw EngineException.notFound("No such container: " + name);
    };

    private static ContainerRecord record(String id, String name, String created, String status, String more) {
        try {
            return JSON.readValue("""
                    {"Id": "%s", "Name": "%s", "Created": "%s", "Image": "sha256:1", "Config": {"Labels": {}},
                     "State": {"Status": "%s", "ExitCode": 0}, %s}""".formatted(id, name, created, status, more), ContainerRecord.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Filters filters(String key, String... values) {
        return new Filters(Map.of(key, List.of(values)));
    }

    private static String refused(Filters filters) {
        EngineException refused = assertThrows(EngineException.class, () -> ContainerFilters.forList(filters, RESOLVE));
        return refused.kind() + " " + refused.getMessage();
    }

    private static List<String> listed(Filters filters, List<ContainerFilters.Port> ports) {
        ContainerFilters checked = ContainerFilters.forList(filters, RESOLVE);
        return java.util.stream.Stream.of(NEW, MID, OLD).filter(r -> checked.matches(r, ports)).map(ContainerRecord::name).toList();
    }

    @Test
    void statusHealthAndIsTaskTakeDockerdsWordsOnly() {
        assertEquals("INVALID invalid filter 'status=bogus': invalid value for state (bogus): must be one of created, running, paused, "
                + "restarting, removing, exited, dead", refused(filters("status", "bogus")));
        assertEquals("INVALID invalid filter 'health=bogus': invalid value for health (bogus): must be one of none, starting, healthy, "
                + "unhealthy", refused(filters("health", "bogus")));
        assertTrue(refused(filters("is-task", "bogus")).startsWith("INVALID invalid filter 'is-task=bogus'"));
        for (String status : List.of("created", "restarting", "running", "removing", "paused", "exited", "dead")) {
            ContainerFilters.forList(filters("status", status), RESOLVE);
        }
    }

    @Test
    void exitedExposeAndPublishTakeNumbers() {
        assertTrue(refused(filters("exited", "bogus")).startsWith("INVALID invalid filter 'exited=bogus': use an exit code"));
        assertTrue(refused(filters("publish", "bogus")).startsWith("INVALID invalid filter 'publish=bogus'"));
        assertTrue(refused(filters("expose", "8080:80")).startsWith("INVALID invalid filter 'expose=8080:80'"));
        assertTrue(refused(filters("expose", "90-80")).startsWith("INVALID invalid filter 'expose=90-80'"));
        assertTrue(refused(filters("publish", "70000")).startsWith("INVALID invalid filter 'publish=70000'"));
        ContainerFilters.forList(new Filters(Map.of("exited", List.of("137"), "expose", List.of("80", "8000-8080/tcp", "53/udp"))), RESOLVE);
    }

    @Test
    void anUnknownKeyIsA400() {
        assertEquals("INVALID invalid filter 'colour'", refused(filters("colour", "red")));
    }

    @Test
    void beforeAndSinceNameAContainerThatExists() {
        assertEquals("NOT_FOUND No such container: nosuch", refused(filters("before", "nosuch")));
        assertEquals("NOT_FOUND No such container: nosuch", refused(filters("since", "nosuch")));
        assertEquals(List.of("old"), listed(filters("before", "mid"), List.of()));
        assertEquals(List.of("new"), listed(filters("since", "mid"), List.of()));
        assertEquals(List.of(), listed(new Filters(Map.of("since", List.of("mid"), "before", List.of("mid"))), List.of()));
    }

    @Test
    void isTaskTrueMatchesNothingWithoutSwarm() {
        assertEquals(List.of(), listed(filters("is-task", "true"), List.of()));
        assertEquals(List.of("new", "mid", "old"), listed(filters("is-task", "0"), List.of()));
    }

    @Test
    void networkMatchesANameOrAnIdPrefixAndVolumeANameSourceOrDestination() {
        assertEquals(List.of("mid"), listed(filters("network", "backend"), List.of()));
        assertEquals(List.of("mid"), listed(filters("network", "5f3"), List.of()));
        assertEquals(List.of("old"), listed(filters("network", "bridge"), List.of()));
        assertEquals(List.of("old"), listed(filters("volume", "data"), List.of()));
        assertEquals(List.of("old"), listed(filters("volume", "/data"), List.of()));
        assertEquals(List.of("mid"), listed(filters("volume", "/srv/www"), List.of()));
        assertEquals(List.of(), listed(filters("volume", "nosuch"), List.of()));
    }

    @Test
    void exposeMatchesTheContainerPortAndPublishTheHostPortWithTheirProtocol() {
        List<ContainerFilters.Port> ports = List.of(new ContainerFilters.Port(80, 18080, "tcp"),
                new ContainerFilters.Port(53, null, "udp"));
        assertEquals(3, listed(filters("expose", "80"), ports).size());
        assertEquals(3, listed(filters("expose", "50-60/udp"), ports).size());
        assertEquals(0, listed(filters("expose", "53"), ports).size());
        assertEquals(3, listed(filters("publish", "18080/tcp"), ports).size());
        assertEquals(0, listed(filters("publish", "80"), ports).size());
        assertFalse(ContainerFilters.forList(filters("publish", "80"), RESOLVE).matches(NEW, List.of()));
    }

    @Test
    void pruneTakesLabelsAndAnUntilTime() {
        assertEquals("invalid filter 'status'", assertThrows(EngineException.class,
                () -> ContainerFilters.PRUNE.check(filters("status", "exited"))).getMessage());
        assertTrue(assertThrows(EngineException.class, () -> ContainerFilters.PRUNE.check(filters("until", "bogus"))).getMessage()
                .startsWith("invalid filter 'until=bogus'"));
        ContainerFilters.PRUNE.check(new Filters(Map.of("until", List.of("10m"), "label!", List.of("keep"))));
    }
}
