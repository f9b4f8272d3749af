package io.jmachine.engine;

import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged engine as its own process: flags, refusals with one clear line, and a clean SIGTERM. */
class EngineProcessIT {

    @TempDir
    Path dir;

    private Process start(String... args) throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", target.resolve("jmachine-engine.jar") + ":" + target.resolve("lib") + "/*", "io.jmachine.engine.EngineMain"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("engine.log").toFile()).start();
    }

    private String log() throws Exception {
        return Files.readString(dir.resolve("engine.log"), StandardCharsets.UTF_8);
    }

    @Test
    void sigtermStopsTheEngineCleanlyWithStatusZero() throws Exception {
        TestNetwork network = TestNetwork.pick();
        Path socket = dir.resolve("e.sock");
        Process engine = start("-H", "unix://" + socket, "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("e.pid").toString(),
                // its own bridge and subnet: the host may route the default 172.29.0.0/16 elsewhere, which the engine refuses
                "--bridge", network.bridge(), "--bip", network.subnet());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (DockerCli.unix(socket).run("version").exitCode() != 0) {
                assertTrue(engine.isAlive(), "the engine exited: " + log());
                assertTrue(System.nanoTime() < deadline, "the engine did not answer in 30 s: " + log());
                Thread.sleep(200);
            }
            assertEquals(String.valueOf(engine.pid()), Files.readString(dir.resolve("e.pid")).trim());
            engine.destroy(); // SIGTERM
            assertTrue(engine.waitFor(15, TimeUnit.SECONDS), "the engine did not stop on SIGTERM");
            assertEquals(0, engine.exitValue(), log());
            assertFalse(Files.exists(socket), "socket removed");
            assertFalse(Files.exists(dir.resolve("e.pid")), "pidfile removed");
        } finally {
            engine.destroyForcibly();
            engine.waitFor(15, TimeUnit.SECONDS);
            network.removeBridge();
        }
    }

    @Test
    void tcpWithoutTlsIsRefusedInOneLineWithExitCodeOne() throws Exception {
        Process engine = start("-H", "tcp://127.0.0.1:0", "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString());
        assertTrue(engine.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, engine.exitValue());
        String log = log().strip();
        assertTrue(log.startsWith("jmachine-engine: refusing a tcp:// listener without --tlsverify"), log);
        assertFalse(log.contains("\n\tat "), "no stack trace: " + log);
    }

    @Test
    void anUnknownFlagIsAUsageError() throws Exception {
        Process engine = start("--no-such-flag");
        assertTrue(engine.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, engine.exitValue());
        assertTrue(log().contains("Unknown option: '--no-such-flag'"), log());
    }
}
