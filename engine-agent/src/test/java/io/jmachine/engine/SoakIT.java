package io.jmachine.engine;

import io.jmachine.engine.network.NetworkSettings;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short soak (bench/soak.sh is the long one): 100 `run --rm` cycles and 20 with a published port and a named volume
 * leave the engine holding what it held before: at most 4 more open files (the JVM's own come and go), no more mounts
 * under its roots, none of its network namespaces, no veth on its bridge and no cgroup of a removed container.
 */
class SoakIT {

    private static final String IMAGE = "localhost/soak-it/busybox:1";
    private static final int CYCLES = 100;
    private static final int PORT_CYCLES = 20;

    @TempDir
    Path dir;

    private TestEngine engine;

    @AfterEach
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void runAndRemoveCyclesLeaveNothingBehind() throws Exception {
        engine = TestEngine.start(dir);
        DockerCli docker = engine.docker();
        ok(docker.run("import", BusyboxRootfs.tar(dir).toString(), IMAGE));
        ok(docker.run("run", "--rm", IMAGE, "true")); // the first start makes the bridge and warms the engine
        Thread.sleep(1000);
        Figures before = figures(Set.of());

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < CYCLES; i++) {
            String id = ok(docker.run("run", "-d", IMAGE, "true")).trim();
            ids.add(id);
            ok(docker.run("wait", id));
            ok(docker.run("rm", id));
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        for (int i = 0; i < PORT_CYCLES; i++) {
            String id = ok(docker.run("run", "-d", "-p", "127.0.0.1:" + port + ":80", "-v", "soak-it-data:/data", IMAGE,
                    "sh", "-c", "echo x >/data/x; sleep 60")).trim();
            ids.add(id);
            ok(docker.run("rm", "-f", id));
        }
        ok(docker.run("volume", "rm", "soak-it-data"));
        Thread.sleep(2000); // rm returns once freed; a last exit watcher may still be closing its files

        Figures after = figures(ids);
        assertTrue(after.fds() - before.fds() <= 4, "open files " + before.fds() + " -> " + after.fds());
        assertEquals(before.mounts(), after.mounts(), "mounts under the engine's roots");
        assertEquals(before.namespaces(), after.namespaces(), "the engine's network namespaces");
        assertEquals(List.of(), engine.roots().network().portsOnBridge(), "veths on the bridge");
        assertEquals(List.of(), after.cgroupsOfRemoved(), "cgroups of removed containers");
    }

    private record Figures(int fds, List<String> mounts, List<String> namespaces, List<String> cgroupsOfRemoved) {
    }

    private Figures figures(Set<String> removed) throws IOException {
        int fds;
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            fds = (int) open.count();
        }
        List<String> mounts = Files.readAllLines(Path.of("/proc/mounts")).stream().filter(line -> line.contains(" " + dir)).toList();
        String prefix = NetworkSettings.defaults(engine.roots().dataRoot()).netnsPrefix();
        List<String> namespaces = new ArrayList<>();
        if (Files.isDirectory(Path.of("/run/netns"))) {
            try (Stream<Path> all = Files.list(Path.of("/run/netns"))) {
                all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().forEach(namespaces::add);
            }
        }
        List<String> cgroups = new ArrayList<>();
        if (!removed.isEmpty()) {
            try (Stream<Path> walk = Files.walk(Path.of("/sys/fs/cgroup"), 6)) {
                walk.filter(Files::isDirectory).map(p -> p.getFileName() == null ? "" : p.getFileName().toString())
                        .filter(name -> removed.stream().anyMatch(name::contains)).forEach(cgroups::add);
            } catch (java.io.UncheckedIOException vanished) {
                // a cgroup removed during the walk: a removal, not a leak
            }
        }
        return new Figures(fds, mounts, namespaces, cgroups);
    }

    private static String ok(DockerCli.Result result) {
        assertEquals(0, result.exitCode(), result.err());
        return result.out();
    }
}
