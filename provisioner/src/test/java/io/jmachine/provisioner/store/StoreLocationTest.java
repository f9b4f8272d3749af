package io.jmachine.provisioner.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StoreLocationTest {

    private static final Path HOME = Path.of("/home/ann");

    @Test
    void defaultsToDotJmachineInHomeAndCachesImagesUnderXdgCache() {
        StoreLocation location = StoreLocation.resolve(null, Map.of(), HOME);
        assertEquals(Path.of("/home/ann/.jmachine"), location.root());
        assertEquals(Path.of("/home/ann/.jmachine/certs"), location.certs());
        assertEquals(Path.of("/home/ann/.jmachine/machines"), location.machines());
        assertEquals(Path.of("/home/ann/.cache/jmachine"), location.imageCache());
    }

    @Test
    void environmentOverridesTheDefaultAndTheFlagOverridesBoth() {
        Map<String, String> env = Map.of(StoreLocation.STORAGE_PATH_ENV, "/srv/jm", "XDG_CACHE_HOME", "/var/cache/ann");
        assertEquals(Path.of("/srv/jm"), StoreLocation.resolve(null, env, HOME).root());
        assertEquals(Path.of("/tmp/store"), StoreLocation.resolve(Path.of("/tmp/store"), env, HOME).root());
        assertEquals(Path.of("/var/cache/ann/jmachine"), StoreLocation.resolve(Path.of("/tmp/store"), env, HOME).imageCache());
    }

    @Test
    void aBlankEnvironmentValueCountsAsUnset() {
        assertEquals(Path.of("/home/ann/.jmachine"),
                StoreLocation.resolve(null, Map.of(StoreLocation.STORAGE_PATH_ENV, " "), HOME).root());
    }
}
