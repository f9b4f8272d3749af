package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The engine an IT drives through the docker CLI: a fresh jmachine-engine in this JVM ({@link TestEngine}), or,
 * with {@code -Djmachine.peer.host=unix:///run/jm-peer/docker.sock}, a real dockerd started by
 * {@code scripts/peer-dockerd.sh}: the reference the same assertions must hold against.
 */
public final class EngineUnderTest implements AutoCloseable {

    public static final String PEER_PROPERTY = "jmachine.peer.host";

    private final TestEngine engine;
    private final DockerCli docker;

    private EngineUnderTest(TestEngine engine, DockerCli docker) {
        this.engine = engine;
        this.docker = docker;
    }

    public static EngineUnderTest start(Path dir) throws IOException, InterruptedException {
        Optional<String> peer = peerHost();
        if (peer.isPresent()) {
            return new EngineUnderTest(null, new DockerCli(java.util.Map.of("DOCKER_HOST", peer.get())));
        }
        TestEngine engine = TestEngine.start(dir);
        return new EngineUnderTest(engine, engine.docker());
    }

    /** The peer dockerd's address when the ITs run against it. */
    public static Optional<String> peerHost() {
        return Optional.ofNullable(System.getProperty(PEER_PROPERTY)).filter(host -> !host.isBlank());
    }

    public boolean isPeer() {
        return engine == null;
    }

    public DockerCli docker() {
        return docker;
    }

    /** jmachine-engine's own handle; empty against the peer. */
    public Optional<TestEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /** Removes the containers; for jmachine-engine, also stops it and asserts that nothing was left behind. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (engine != null) {
            engine.close();
            return;
        }
        DockerCli.Result ids = docker.run("ps", "-aq");
        if (!ids.out().isBlank()) {
            docker.sh("docker rm -f " + String.join(" ", ids.out().trim().split("\\s+")) + " >/dev/null");
        }
    }
}
