package io.jmachine.engine.testing;

import io.jmachine.engine.Engine;
import io.jmachine.engine.config.ConfigLoader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A real engine in this JVM on its own roots and bridge, with `docker events` recording every container it
 * runs; {@link #close} removes the containers, stops the engine and asserts that none left anything behind.
 */
public final class TestEngine implements AutoCloseable {

    private final EngineRoots roots;
    private Engine engine;
    /** One `docker events` per engine process: a restart ends the stream of the one before. */
    private final List<ContainerEvents> events = new ArrayList<>();

    private TestEngine(EngineRoots roots, Engine engine, ContainerEvents events) {
        this.roots = roots;
        this.engine = engine;
        this.events.add(events);
    }

    public static TestEngine start(Path dir) throws IOException, InterruptedException {
        EngineRoots roots = EngineRoots.in(dir);
        Instant started = Instant.now().minusSeconds(1);
        Engine engine = Engine.start(ConfigLoader.load(roots.config(), null));
        try {
            return new TestEngine(roots, engine, roots.events(started));
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public EngineRoots roots() {
        return roots;
    }

    public Engine engine() {
        return engine;
    }

    public DockerCli docker() {
        return roots.docker();
    }

    /** The events since the engine (last) started. */
    public ContainerEvents events() {
        return events.getLast();
    }

    /**
     * Stops the engine and, after {@code down}, starts a new one on the same roots, as a daemon restart: containers
     * run on under their monitors meanwhile.
     */
    public void restart(java.time.Duration down) throws IOException, InterruptedException {
        engine.close();
        Thread.sleep(down);
        Instant restarted = Instant.now().minusSeconds(1);
        engine = Engine.start(ConfigLoader.load(roots.config(), null));
        events.add(roots.events(restarted));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        try {
            ids.addAll(roots.removeAllContainers());
        } finally {
            for (ContainerEvents stream : events) {
                ids.addAll(stream.containerIds());
                stream.close();
            }
            engine.close();
        }
        roots.assertCleanAndRemoveBridge(ids);
    }
}
