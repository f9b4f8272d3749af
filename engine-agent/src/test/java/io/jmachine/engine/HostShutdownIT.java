package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host's shutdown as the engine lives it: its containers are stopped at once, each after its own stop timeout, and
 * when the engine starts again restart policies act as dockerd's do: always and unless-stopped come back, unless a
 * client stopped them; the others stay exited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostShutdownIT {

    static final String IMAGE = "localhost/it/busybox:shutdown";
    /** A shell that ignores SIGTERM, as busybox httpd as PID 1 does: only SIGKILL after the stop timeout ends it. */
    static final String DEAF = "trap '' TERM; while :; do sleep 1; done";

    @TempDir
    static Path dir;

    TestEngine engine;
    DockerCli docker;

    @BeforeAll
    void start() throws Exception {
        engine = TestEngine.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(dir).toString(), IMAGE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out().trim();
    }

    String status(String name) throws Exception {
        return ok("inspect", "-f", "{{.State.Status}}", name);
    }

    @Test
    void aShutdownStopsEveryContainerAtOnceAndRestartPoliciesBringBackWhatDockerdWould() throws Exception {
        ok("run", "-d", "--name", "always", "--restart", "always", "--stop-timeout", "3", IMAGE, "sh", "-c", DEAF);
        ok("run", "-d", "--name", "unless", "--restart", "unless-stopped", "--stop-timeout", "3", IMAGE, "sh", "-c", DEAF);
        ok("run", "-d", "--name", "unless-by-hand", "--restart", "unless-stopped", IMAGE, "sh", "-c", "while :; do sleep 1; done");
        ok("run", "-d", "--name", "always-by-hand", "--restart", "always", IMAGE, "sh", "-c", "while :; do sleep 1; done");
        for (int i = 1; i <= 4; i++) {
            ok("run", "-d", "--name", "deaf" + i, "--stop-timeout", "3", IMAGE, "sh", "-c", DEAF);
        }
        ok("stop", "-t", "1", "unless-by-hand", "always-by-hand");

        long began = System.nanoTime();
        engine.engine().stopContainersForHostShutdown();
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        for (String name : new String[] {"always", "unless", "deaf1", "deaf2", "deaf3", "deaf4"}) {
            assertEquals("exited", status(name), name);
        }
        // six containers that each need 3 s and SIGKILL: together, not one after the other (18 s)
        assertTrue(took.compareTo(Duration.ofSeconds(12)) < 0, "stopping took " + took);

        engine.restart(Duration.ZERO);
        docker = engine.docker();
        // as dockerd: running once the engine answers, not some time after
        assertEquals("running", status("always"), "always comes back when the engine starts");
        assertEquals("running", status("unless"), "unless-stopped comes back when it was not stopped by hand");
        assertEquals("running", status("always-by-hand"), "always comes back when the engine starts, stopped by hand or not");
        assertEquals("exited", status("unless-by-hand"), "unless-stopped stopped by hand stays stopped");
        assertEquals("exited", status("deaf1"), "no restart policy: exited, as dockerd leaves it");
        assertEquals("137", ok("inspect", "-f", "{{.State.ExitCode}}", "deaf1"), "killed after its stop timeout");
    }
}
