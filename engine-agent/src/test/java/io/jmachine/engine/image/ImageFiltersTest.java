package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.filters.Filters;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFiltersTest {

    private static Filters filters(String key, String... values) {
        return new Filters(Map.of(key, List.of(values)));
    }

    private static String refusedForList(Filters filters) {
        return assertThrows(EngineException.class, () -> ImageFilters.forList(filters)).getMessage();
    }

    @Test
    void danglingIsTrueOrFalseForListAndPrune() {
        assertTrue(refusedForList(filters("dangling", "bogus")).startsWith("invalid filter 'dangling=bogus'"));
        assertTrue(assertThrows(EngineException.class, () -> ImageFilters.forPrune(filters("dangling", "bogus"))).getMessage()
                .startsWith("invalid filter 'dangling=bogus'"));
        assertEquals(false, ImageFilters.forPrune(filters("dangling", "false")).dangling().orElseThrow());
    }

    @Test
    void untilIsATimeOrADuration() {
        assertTrue(refusedForList(filters("until", "bogus")).startsWith("invalid filter 'until=bogus'"));
        Instant now = Instant.parse("2026-01-02T00:00:00Z");
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), ImageFilters.forPrune(filters("until", "24h")).until(now).orElseThrow());
        assertEquals(Instant.ofEpochSecond(1700000000), ImageFilters.forList(filters("until", "1700000000")).until(now).orElseThrow());
    }

    @Test
    void aReferencePatternMustBeAGlob() {
        assertTrue(refusedForList(filters("reference", "busy[box")).startsWith("invalid filter 'reference=busy[box'"));
        ImageFilters.forList(filters("reference", "localhost/*:[0-9]"));
    }

    @Test
    void eachEndpointRefusesTheKeysItDoesNotTake() {
        assertEquals("invalid filter 'colour'", refusedForList(filters("colour", "red")));
        assertEquals("invalid filter 'reference'", assertThrows(EngineException.class,
                () -> ImageFilters.forPrune(filters("reference", "busybox"))).getMessage());
    }
}
