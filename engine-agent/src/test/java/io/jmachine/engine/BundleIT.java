package io.jmachine.engine;

import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TestCertificates;
import io.jmachine.engine.testing.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundle that guests get runs on its own jlink'd runtime, with no Java on PATH, and serves over mutual TLS. */
class BundleIT {

    @TempDir
    Path dir;

    private Process run(Path bundle, List<String> args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(bundle.resolve("bin/jmachine-engine").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("bundle.log").toFile());
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return builder.start();
    }

    private Path unpack() throws Exception {
        Path archive = Path.of("target/jmachine-engine-bundle.tar.gz");
        assertTrue(Files.isRegularFile(archive), "the build makes " + archive);
        Process untar = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", dir.toString()).inheritIO().start();
        assertEquals(0, untar.waitFor());
        Path bundle = dir.resolve("jmachine-engine");
        assertTrue(Files.isDirectory(bundle.resolve("runtime")), "a jlink'd runtime is inside");
        return bundle;
    }

    /** A guest's first start under TCG pays ten times for each class it loads and links itself. */
    @Test
    void theBundledEngineTakesNearlyAllItsClassesFromItsStartUpCache() throws Exception {
        Path bundle = unpack();
        if (Runtime.version().feature() >= 25) {
            assertTrue(Files.isRegularFile(bundle.resolve("jmachine-engine.aot")), "a JDK 25 runtime gets an ahead-of-time cache");
        }
        Path classes = dir.resolve("classes.log");
        ProcessBuilder builder = new ProcessBuilder(bundle.resolve("bin/jmachine-engine").toString(), "--version")
                .redirectErrorStream(true).redirectOutput(dir.resolve("bundle.log").toFile());
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes);
        Process version = builder.start();
        assertTrue(version.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, version.exitValue(), Files.readString(dir.resolve("bundle.log")));
        List<String> loaded = Files.readAllLines(classes).stream().filter(line -> line.contains(" source: ")).toList();
        long cached = loaded.stream().filter(line -> line.contains("source: shared objects file")).count();
        assertTrue(loaded.size() > 500, "the log lists the classes a start loads: " + loaded.size());
        assertTrue(cached >= loaded.size() * 9 / 10, cached + " of " + loaded.size() + " classes from the cache");
    }

    @Test
    void theBundleRunsWithoutAHostJava() throws Exception {
        TestNetwork network = TestNetwork.pick();
        Path bundle = unpack();

        Process version = run(bundle, List.of("--version"));
        assertTrue(version.waitFor(30, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("bundle.log"), StandardCharsets.UTF_8);
        assertEquals(0, version.exitValue(), out);
        assertTrue(out.startsWith("jmachine-engine version " + EngineVersion.own()), out);

        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process engine = run(bundle, List.of("-H", "unix://" + dir.resolve("e.sock"), "-H", "tcp://127.0.0.1:" + port,
                "--tlsverify", "--tlscacert", certs.ca().toString(), "--tlscert", certs.serverCert().toString(),
                "--tlskey", certs.serverKey().toString(),
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                // its own bridge and subnet: the host may route the default 172.29.0.0/16 elsewhere, which the engine refuses
                "--bridge", network.bridge(), "--bip", network.subnet()));
        try {
            DockerCli tls = new DockerCli(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port, "DOCKER_TLS_VERIFY", "1",
                    "DOCKER_CERT_PATH", certs.clientDir().toString()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            DockerCli.Result result;
            while ((result = tls.run("version", "--format", "{{.Server.Version}}")).exitCode() != 0) {
                assertTrue(engine.isAlive(), "the bundled engine exited: " + Files.readString(dir.resolve("bundle.log")));
                assertTrue(System.nanoTime() < deadline, "no answer over TLS in 30 s: " + result.err());
                Thread.sleep(200);
            }
            assertEquals(EngineVersion.DOCKER_COMPATIBLE, result.out().trim());
            assertEquals(0, DockerCli.unix(dir.resolve("e.sock")).run("version").exitCode());
        } finally {
            engine.destroy();
            assertTrue(engine.waitFor(15, TimeUnit.SECONDS));
            network.removeBridge();
        }
        assertEquals(0, engine.exitValue(), Files.readString(dir.resolve("bundle.log")));
    }
}
