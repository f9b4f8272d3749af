package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged engine (target/jmachine-engine.jar) as a process of its own on a test's roots, so that a test can
 * kill it with SIGKILL and start it again on the same roots. Its output goes to a log in the test's folder.
 */
public final class EngineProcess implements AutoCloseable {

    private final EngineRoots roots;
    private final Path log;
    private final Process process;

    private EngineProcess(EngineRoots roots, Path log, Process process) {
        this.roots = roots;
        this.log = log;
        this.process = process;
    }

    /** Starts the engine and waits until `docker version` answers. */
    public static EngineProcess start(EngineRoots roots) throws IOException, InterruptedException {
        Path target = Path.of("target").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", target.resolve("jmachine-engine.jar") + ":" + target.resolve("lib") + "/*", "io.jmachine.engine.EngineMain"));
        command.addAll(roots.flags());
        Path log = roots.dir().resolve("engine.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        EngineProcess engine = new EngineProcess(roots, log, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (roots.docker().run("version").exitCode() != 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the engine did not answer (" + (process.isAlive() ? "60 s passed" : "it exited") + "): " + engine.log());
            }
            Thread.sleep(200);
        }
        return engine;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the engine did not die of SIGKILL");
        }
    }

    /** SIGTERM, and its clean stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the engine did not stop on SIGTERM: " + log());
        }
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public EngineRoots roots() {
        return roots;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
