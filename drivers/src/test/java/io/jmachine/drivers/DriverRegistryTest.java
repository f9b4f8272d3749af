package io.jmachine.drivers;

import io.jmachine.drivers.none.NoneDriverFactory;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverRegistryTest {

    @Test
    void builtInDriversByNameAndAnUnknownOneNamedInTheError() {
        DriverRegistry registry = DriverRegistry.builtIn();
        assertEquals(List.of("generic", "kvm", "none"), registry.all().stream().map(DriverFactory::name).toList());
        assertEquals("generic", registry.get("generic").name());
        var e = assertThrows(DriverException.class, () -> registry.get("nosuch"));
        assertTrue(e.getMessage().contains("\"nosuch\""), e.getMessage());
        assertTrue(e.getMessage().contains("generic, kvm, none"), e.getMessage());
    }

    @Test
    void twoDriversCannotShareANameNorAFlag() {
        assertThrows(IllegalArgumentException.class, () -> new DriverRegistry(List.of(new NoneDriverFactory(), new NoneDriverFactory())));
        Set<String> flags = new HashSet<>();
        for (DriverFactory factory : DriverRegistry.builtIn().all()) {
            for (DriverFlag flag : factory.flags()) {
                assertTrue(flags.add(flag.name()), "flag " + flag.name() + " is claimed twice");
            }
        }
    }

    @Test
    void optionsTakeDefaultsAndRefuseUndeclaredFlags() {
        List<DriverFlag> flags = List.of(DriverFlag.integer("--x-port", "p", 22), DriverFlag.string("--x-user", "u", "root"),
                DriverFlag.stringList("--x-forward", "f"), DriverFlag.bool("--x-fast", "b"));
        DriverOptions options = new DriverOptions(flags, Map.of("--x-user", "ann", "--x-forward", List.of("1:2")));
        assertEquals(22, options.integer("--x-port"));
        assertEquals("ann", options.string("--x-user"));
        assertEquals(List.of("1:2"), options.strings("--x-forward"));
        assertEquals(false, options.bool("--x-fast"));
        assertThrows(IllegalArgumentException.class, () -> options.string("--x-port"), "a flag read as the wrong type is a bug");
        assertThrows(IllegalArgumentException.class, () -> new DriverOptions(flags, Map.of("--y", "1")));
        assertThrows(IllegalArgumentException.class, () -> DriverFlag.string("x", "no dashes", null));
    }
}
