package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One test engine's own places: its socket, data root and exec root in the test's folder, and its own bridge
 * and subnet. Knows the engine's flags, how to clean up after it and how to tell what it left behind.
 */
public record EngineRoots(Path dir, Path socket, Path dataRoot, Path execRoot, TestNetwork network) {

    public static EngineRoots in(Path dir) throws IOException, InterruptedException {
        return new EngineRoots(dir, dir.resolve("engine.sock"), dir.resolve("data"), dir.resolve("exec"), TestNetwork.pick());
    }

    /** The engine's config keys (also its long flags). */
    public Map<String, Object> config() {
        return Map.of("hosts", List.of("unix://" + socket), "data-root", dataRoot.toString(), "exec-root", execRoot.toString(),
                "bridge", network.bridge(), "bip", network.subnet());
    }

    public List<String> flags() {
        return List.of("-H", "unix://" + socket, "--data-root", dataRoot.toString(), "--exec-root", execRoot.toString(),
                "--bridge", network.bridge(), "--bip", network.subnet());
    }

    public DockerCli docker() {
        return DockerCli.unix(socket);
    }

    public ContainerEvents events(Instant since) throws IOException {
        return ContainerEvents.since(docker().env(), since);
    }

    /** Removes every container through the engine (`docker rm -f`), as a user cleans up; returns the IDs it had. */
    public Set<String> removeAllContainers() throws IOException, InterruptedException {
        DockerCli docker = docker();
        DockerCli.Result ids = docker.run("ps", "-aq", "--no-trunc");
        if (ids.exitCode() != 0) {
            throw new AssertionError("docker ps -aq failed: " + ids.err());
        }
        Set<String> all = new LinkedHashSet<>(ids.out().lines().filter(l -> !l.isBlank()).toList());
        if (!all.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(all);
            DockerCli.Result removed = docker.run(null, Duration.ofSeconds(120), rm.toArray(String[]::new));
            if (removed.exitCode() != 0) {
                throw new AssertionError("docker rm -f failed: " + removed.err());
            }
        }
        return all;
    }

    /** After the engine stopped: everything of {@code containerIds} still on the host (empty when clean). */
    public List<String> leftovers(Collection<String> containerIds) throws IOException, InterruptedException {
        return Leftovers.find(dir, execRoot, network, containerIds);
    }

    /** While the engine runs (its process, pid {@code enginePid}, is no leftover). */
    public List<String> leftoversBesideEngine(Collection<String> containerIds, long enginePid) throws IOException, InterruptedException {
        return Leftovers.find(dir, execRoot, network, containerIds, Set.of(enginePid));
    }

    /**
     * The end of a test engine: asserts that nothing of its containers is left, then removes its bridge
     * (whatever the assertion found).
     */
    public void assertCleanAndRemoveBridge(Collection<String> containerIds) throws IOException, InterruptedException {
        try {
            List<String> left = leftovers(containerIds);
            if (!left.isEmpty()) {
                throw new AssertionError("left behind by " + containerIds.size() + " containers:\n  " + String.join("\n  ", left));
            }
        } finally {
            network.removeBridge();
        }
        if (network.bridgeExists()) {
            throw new AssertionError("bridge " + network.bridge() + " is still there");
        }
    }
}
