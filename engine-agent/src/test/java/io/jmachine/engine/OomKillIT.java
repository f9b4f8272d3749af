package io.jmachine.engine;

import io.jmachine.engine.testing.Await;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.ContainerEvents;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The kernel's OOM killer in a {@code --memory 32m} container, as dockerd reports it: exit 137, State.OOMKilled,
 * and the {@code oom} event before {@code die}; OOMKilled false for a normal exit and after the next run without an OOM; a
 * child taken while PID 1 lives on shows at once and makes OOMKilled whatever the exit code. Runs against the
 * peer dockerd too ({@code -Djmachine.peer.host=unix:///run/jm-peer/docker.sock}). The hog is busybox
 * {@code tail /dev/zero}: /dev/zero has no newline, so tail keeps all it reads as one last line, and grows
 * past any limit within a fraction of a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OomKillIT {

    private static final String IMAGE = "localhost/oomkill-it/busybox:1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private EngineUnderTest engine;
    private DockerCli docker;
    private ContainerEvents events;
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
    }

    @BeforeEach
    void watchEvents() throws Exception {
        events = ContainerEvents.since(docker.env(), Instant.now().minusSeconds(1));
    }

    @AfterEach
    void removeContainers() throws Exception {
        events.close();
        // only this test's containers: the peer dockerd is shared with other users
        for (String name : containers) {
            docker.run("rm", "-f", name);
        }
        containers.clear();
    }

    @AfterAll
    void stop() throws Exception {
        if (engine == null) {
            return;
        }
        if (engine.isPeer()) {
            docker.run("rmi", IMAGE);
        } else {
            engine.close();
        }
    }

    @Test
    void aMemoryHogIsKilledWith137AndReportedOomKilledWithTheOomEventBeforeDie() throws Exception {
        String hog = name("hog");
        DockerCli.Result run = docker.run("run", "--name", hog, "--memory", "32m", IMAGE, "tail", "/dev/zero");
        assertEquals(137, run.exitCode(), run.err());
        assertEquals("exited 137 true", inspect(hog, "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}"));
        assertOomBeforeDie(hog);
    }

    @Test
    void aContainerThatExitsNormallyIsNotOomKilledAndHasNoOomEvent() throws Exception {
        String fine = name("fine");
        DockerCli.Result run = docker.run("run", "--name", fine, "--memory", "32m", IMAGE, "sh", "-c", "x=$(head -c 1m /dev/zero | tr '\\0' a); exit 0");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("0 false", inspect(fine, "{{.State.ExitCode}} {{.State.OOMKilled}}"));
        String id = inspect(fine, "{{.Id}}");
        assertTrue(events.await(id, "die", 1, WAIT));
        assertFalse(events.actions(id).contains("oom"), events.actions(id).toString());
    }

    @Test
    void aContainerStartedAgainAfterAnOomKeepsOomKilledWhileItRunsAndLosesItWhenThatRunEndsWithout() throws Exception {
        String again = name("again");
        // the first run hogs; the next ones find the marker in their root filesystem and wait to be killed
        DockerCli.Result run = docker.run("run", "--name", again, "--memory", "32m", IMAGE, "sh", "-c",
                "if [ -e /ran ]; then exec sleep 60; fi; touch /ran; tail /dev/zero");
        assertEquals(137, run.exitCode(), run.err());
        assertEquals("true", inspect(again, "{{.State.OOMKilled}}"));
        ok("start", again);
        // dockerd 20.10 resets OOMKilled when a run ends, not when one starts
        assertEquals("true 0 true", inspect(again, "{{.State.Running}} {{.State.ExitCode}} {{.State.OOMKilled}}"));
        ok("kill", again);
        Await.until(WAIT, () -> inspect(again, "{{.State.Status}}").equals("exited"));
        // 137 from SIGKILL is not an OOM kill
        assertEquals("137 false", inspect(again, "{{.State.ExitCode}} {{.State.OOMKilled}}"));
    }

    @Test
    void aChildTakenByTheOomKillerIsAnnouncedAtOnceAndMakesOomKilledWhateverTheExitCode() throws Exception {
        String parent = name("parent");
        ok("run", "-d", "--name", parent, "--memory", "32m", IMAGE, "sh", "-c",
                "sleep 1; tail /dev/zero; while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 3");
        String id = inspect(parent, "{{.Id}}");
        assertTrue(events.await(id, "oom", 1, WAIT), "no oom event while the container runs: " + events.actions(id));
        assertEquals("true", inspect(parent, "{{.State.Running}}"), "PID 1 outlives its child");
        ok("exec", parent, "touch", "/tmp/go");
        assertEquals("3", ok("wait", parent).trim());
        assertEquals("3 true", inspect(parent, "{{.State.ExitCode}} {{.State.OOMKilled}}"));
        assertOomBeforeDie(parent);
    }

    @Test
    void anOomKillWhileTheEngineIsDownIsReportedAfterItsRestartAndTheVerdictIsKept() throws Exception {
        assumeFalse(engine.isPeer(), "the shared peer dockerd is not restarted");
        TestEngine own = engine.engine().orElseThrow();
        String name = name("unwatched");
        ok("run", "-d", "--name", name, "--memory", "32m", IMAGE, "sh", "-c", "sleep 3; tail /dev/zero");
        events.close();
        Instant down = Instant.now();
        // it hogs and dies while no engine runs; the next engine finds it so
        own.restart(Duration.ofSeconds(6));
        events = ContainerEvents.since(docker.env(), down);
        assertEquals("exited 137 true", inspect(name, "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}"));
        assertOomBeforeDie(name);
        events.close();
        own.restart(Duration.ZERO);
        events = ContainerEvents.since(docker.env(), Instant.now());
        assertEquals("exited 137 true", inspect(name, "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}"),
                "OOMKilled is kept with the state");
    }

    private void assertOomBeforeDie(String name) throws Exception {
        String id = inspect(name, "{{.Id}}");
        assertTrue(events.await(id, "die", 1, WAIT), "no die event: " + events.actions(id));
        List<String> actions = events.actions(id);
        int oom = actions.indexOf("oom");
        assertTrue(oom >= 0 && oom < actions.indexOf("die"), "oom should come before die: " + actions);
    }

    /** A name of this test's own, apart from those of other users of the peer. */
    private String name(String name) {
        String unique = "oomkill-it-" + name;
        containers.add(unique);
        return unique;
    }

    private String inspect(String name, String format) throws Exception {
        return ok("inspect", "--format", format, name).trim();
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out();
    }
}
