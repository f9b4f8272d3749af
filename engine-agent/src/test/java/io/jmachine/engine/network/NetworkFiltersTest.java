package io.jmachine.engine.network;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.network.NetworkRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkFiltersTest {

    private static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
    private static final NetworkRecord CUSTOM = new NetworkRecord("9f8e7d", "backend", "bridge", Instant.parse("2026-01-09T00:00:00Z"),
            "10.1.0.0/24", "10.1.0.1", "br-9f8e", "backend", false, Map.of("tier", "db"), Map.of(), false, List.of(), false);
    private static final NetworkRecord BRIDGE = new NetworkRecord("0a1b2c", "bridge", "bridge", Instant.parse("2026-01-01T00:00:00Z"),
            "172.17.0.0/16", "172.17.0.1", "docker0", "bridge", false, Map.of(), Map.of(), false, List.of(), false);

    private static Filters filters(String key, String... values) {
        return new Filters(Map.of(key, List.of(values)));
    }

    private static String refused(io.jmachine.engine.filters.FilterRules rules, Filters filters) {
        return assertThrows(EngineException.class, () -> rules.check(filters)).getMessage();
    }

    @Test
    void typeIsBuiltinOrCustom() {
        assertEquals("invalid filter 'type=bogus': invalid value for type (bogus): must be one of builtin, custom",
                refused(NetworkFilters.LIST, filters("type", "bogus")));
        assertTrue(NetworkFilters.matches(BRIDGE, NetworkFilters.LIST.check(filters("type", "builtin")), true));
        assertFalse(NetworkFilters.matches(CUSTOM, NetworkFilters.LIST.check(filters("type", "builtin")), false));
    }

    @Test
    void danglingIsABooleanAndTheBuiltinNetworksAreNeverDangling() {
        assertTrue(refused(NetworkFilters.LIST, filters("dangling", "bogus")).startsWith("invalid filter 'dangling=bogus'"));
        Filters dangling = NetworkFilters.LIST.check(filters("dangling", "1"));
        assertTrue(NetworkFilters.matches(CUSTOM, dangling, false));
        assertFalse(NetworkFilters.matches(CUSTOM, dangling, true));
        assertFalse(NetworkFilters.matches(BRIDGE, dangling, false));
        assertTrue(NetworkFilters.matches(BRIDGE, NetworkFilters.LIST.check(filters("dangling", "false")), false));
    }

    @Test
    void driverAndScopeTakeAnyWordAsDockerdDoes() {
        assertFalse(NetworkFilters.matches(CUSTOM, NetworkFilters.LIST.check(filters("driver", "bogus")), false));
        assertFalse(NetworkFilters.matches(CUSTOM, NetworkFilters.LIST.check(filters("scope", "bogus")), false));
        assertTrue(NetworkFilters.matches(CUSTOM, NetworkFilters.LIST.check(filters("scope", "local")), false));
        assertEquals("invalid filter 'until'", refused(NetworkFilters.LIST, filters("until", "1h")));
    }

    @Test
    void pruneTakesUntilAsATimeOrADurationAndLabels() {
        assertTrue(refused(NetworkFilters.PRUNE, filters("until", "bogus")).startsWith("invalid filter 'until=bogus'"));
        assertEquals("invalid filter 'dangling'", refused(NetworkFilters.PRUNE, filters("dangling", "true")));
        assertTrue(NetworkFilters.prunable(CUSTOM, NetworkFilters.PRUNE.check(filters("until", "12h")), NOW));
        assertFalse(NetworkFilters.prunable(CUSTOM, NetworkFilters.PRUNE.check(filters("until", "48h")), NOW));
        assertTrue(NetworkFilters.prunable(CUSTOM, NetworkFilters.PRUNE.check(filters("until", "2026-01-09T00:00:00Z")), NOW));
        assertFalse(NetworkFilters.prunable(CUSTOM, NetworkFilters.PRUNE.check(filters("label!", "tier=db")), NOW));
    }
}
