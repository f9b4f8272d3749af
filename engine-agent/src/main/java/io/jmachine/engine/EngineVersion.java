package io.jmachine.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The engine's own version, and the dockerd release whose API it speaks. */
public final class EngineVersion {

    /**
     * The dockerd release whose behaviour the engine follows (API 1.50). Clients check this number
     * (Testcontainers wants at least 1.6.0), so it stands in /version's Version; our own version is a component.
     */
    public static final String DOCKER_COMPATIBLE = "28.2.2";
    /** The newest Docker Engine API version served: docker 28.2's. */
    public static final String API = "1.50";

    private static final String OWN = load();

    private EngineVersion() {
    }

    /** This build's version, e.g. 0.1.0-SNAPSHOT. */
    public static String own() {
        return OWN;
    }

    private static String load() {
        Properties properties = new Properties();
        try (InputStream in = EngineVersion.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "unknown");
    }
}
