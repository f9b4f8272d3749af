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
    /** The peer's containers from before this test: others' (the peer is shared), never removed here. */
    private final java.util.Set<String> before;

    private EngineUnderTest(TestEngine engine, DockerCli docker, java.util.Set<String> before) {
        this.engine = engine;
        this.docker = docker;
        this.before = before;
    }

    public static EngineUnderTest start(Path dir) throws IOException, InterruptedException {
        Optional<String> peer = peerHost();
        if (peer.isPresent()) {
            DockerCli docker = new DockerCli(java.util.Map.of("DOCKER_HOST", peer.get()));
            return new EngineUnderTest(null, docker, containers(docker));
        }
        TestEngine engine = TestEngine.start(dir);
        return new EngineUnderTest(engine, engine.docker(), java.util.Set.of());
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

    /** The engine's unix socket, for raw API calls. */
    public java.nio.file.Path socket() {
        return engine != null ? engine.roots().socket() : java.nio.file.Path.of(peerHost().orElseThrow().replaceFirst("^unix://", ""));
    }

    /** jmachine-engine's own handle; empty against the peer. */
    public Optional<TestEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /**
     * Removes the containers the test made; for jmachine-engine, also stops it and asserts that nothing was left
     * behind. On the shared peer, containers that were there before the test are left alone (a container someone
     * else made meanwhile is not told apart: run the peer ITs one class at a time).
     */
    @Override
    public void close() throws IOException, InterruptedException {
        if (engine != null) {
            engine.close();
            return;
        }
        java.util.Set<String> made = containers(docker);
        made.removeAll(before);
        if (!made.isEmpty()) {
            docker.sh("docker rm -f " + String.join(" ", made) + " >/dev/null");
        }
    }

    private static java.util.Set<String> containers(DockerCli docker) throws IOException, InterruptedException {
        DockerCli.Result ids = docker.run("ps", "-aq", "--no-trunc");
        if (ids.exitCode() != 0) {
            throw new AssertionError("docker ps -aq failed: " + ids.err());
        }
        return new java.util.HashSet<>(ids.out().lines().filter(line -> !line.isBlank()).toList());
    }
}
