package io.jmachine.provisioner.store;

import io.jmachine.drivers.kvm.image.ImageDigests;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where jmachine keeps its state: {@code -s/--storage-path}, else {@code $JMACHINE_STORAGE_PATH},
 * else {@code ~/.jmachine}. Base images live outside it, in the XDG cache folder, so that a
 * throwaway store reuses them.
 */
public record StoreLocation(Path root, Path imageCache) {

    public static final String STORAGE_PATH_ENV = "JMACHINE_STORAGE_PATH";

    /**
     * @param flag the -s/--storage-path value, or null
     * @param env  the process environment
     * @param home the user's home folder
     */
    public static StoreLocation resolve(Path flag, Map<String, String> env, Path home) {
        Path root;
        if (flag != null) {
            root = flag;
        } else if (notBlank(env.get(STORAGE_PATH_ENV))) {
            root = Path.of(env.get(STORAGE_PATH_ENV));
        } else {
            root = home.resolve(".jmachine");
        }
        Path cacheBase = notBlank(env.get("XDG_CACHE_HOME")) ? Path.of(env.get("XDG_CACHE_HOME")) : home.resolve(".cache");
        return new StoreLocation(root.toAbsolutePath().normalize(), cacheBase.resolve("jmachine").toAbsolutePath().normalize());
    }

    /** The CA and client certificate shared by every machine. */
    public Path certs() {
        return root.resolve("certs");
    }

    /** The engine bundles' first-boot disk images (see FirstBootBundle), beside the base images. */
    public Path bundleCache() {
        return imageCache.resolve("bundles");
    }

    /** The engine bundles' SHA-256 digests, kept for their size and time. */
    public ImageDigests bundleDigests() {
        return new ImageDigests(bundleCache().resolve("digests"));
    }

    public Path machines() {
        return root.resolve("machines");
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
