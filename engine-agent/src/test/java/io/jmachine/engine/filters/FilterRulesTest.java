package io.jmachine.engine.filters;

import io.jmachine.engine.errors.EngineException;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilterRulesTest {

    private static final FilterRules RULES = FilterRules.keys("label", "label!")
            .bool("dangling")
            .time("until")
            .oneOf("status", "state", List.of("created", "running"))
            .each("exited", value -> value.matches("[0-9]+"), value -> "use an exit code");

    private static Filters filters(String key, String... values) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        map.put(key, List.of(values));
        return new Filters(map);
    }

    private static String refused(Filters filters) {
        EngineException refused = assertThrows(EngineException.class, () -> RULES.check(filters));
        assertEquals(EngineException.Kind.INVALID, refused.kind());
        return refused.getMessage();
    }

    @Test
    void anUnknownKeyIsA400NamingIt() {
        assertEquals("invalid filter 'colour'", refused(filters("colour", "red")));
    }

    @Test
    void knownKeysWithGoodValuesPassUnchanged() {
        Filters good = new Filters(Map.of("label", List.of("a=b"), "dangling", List.of("1"), "status", List.of("running"),
                "exited", List.of("137"), "until", List.of("24h")));
        assertSame(good, RULES.check(good));
    }

    @Test
    void aValueOutsideAFixedSetNamesKeyValueAndTheChoices() {
        assertEquals("invalid filter 'status=bogus': invalid value for state (bogus): must be one of created, running",
                refused(filters("status", "running", "bogus")));
    }

    @Test
    void aBooleanTakesTrueFalseOneOrZeroOnlyAndNotBoth() {
        assertEquals("invalid filter 'dangling=bogus': use true (or 1) or false (or 0)", refused(filters("dangling", "bogus")));
        assertTrue(refused(filters("dangling", "True")).startsWith("invalid filter 'dangling=True'"));
        assertTrue(refused(filters("dangling", "true", "0")).startsWith("invalid filter 'dangling=true,0': give true or false"));
        assertEquals(true, filters("dangling", "1").bool("dangling").orElseThrow());
        assertEquals(false, filters("dangling", "false", "0").bool("dangling").orElseThrow());
        assertTrue(filters("label", "x").bool("dangling").isEmpty());
    }

    @Test
    void aTimeTakesOneTimestampOrDuration() {
        assertTrue(refused(filters("until", "bogus")).startsWith("invalid filter 'until=bogus': failed to parse value as time or duration"));
        assertTrue(refused(filters("until", "1h", "2h")).startsWith("invalid filter 'until=1h,2h': more than one until filter"));
        Instant now = Instant.parse("2026-01-02T00:00:00Z");
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), filters("until", "24h").time("until", now).orElseThrow());
    }

    @Test
    void aCheckedValueNamesKeyValueAndWhatToDo() {
        assertEquals("invalid filter 'exited=x': use an exit code", refused(filters("exited", "0", "x")));
    }

    @Test
    void labelsMatchByKeyOrKeyAndValueAndLabelBangExcludes() {
        Map<String, String> labels = Map.of("tier", "web", "team", "a");
        assertTrue(filters("label", "tier", "team=a").matchesLabels(labels));
        assertFalse(filters("label", "tier=db").matchesLabels(labels));
        assertFalse(filters("label!", "team=a").matchesLabels(labels));
        assertTrue(filters("label!", "team=b").matchesLabels(labels));
        assertFalse(filters("label!", "tier").matchesLabels(labels));
    }
}
