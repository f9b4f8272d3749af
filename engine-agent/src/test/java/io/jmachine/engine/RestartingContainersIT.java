package io.jmachine.engine;

import io.jmachine.engine.testing.Await;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers between two runs of their restart policy, and the lifecycle verbs' events, as dockerd 20.10 has them
 * (runs against the peer too): a restarting container reads as running, force removal takes it at once (a
 * restart=always container of {@code true} once survived 90 s of {@code rm -f}), stop and kill end its restarts,
 * pause, exec and a plain rm are refused with dockerd's 409s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartingContainersIT {

    private static final String IMAGE = "localhost/i11-restart-it/busybox:1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private EngineUnderTest engine;
    private DockerCli docker;
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine == null) {
            return;
        }
        // only this class's containers: the peer dockerd is shared with other users
        for (String name : containers) {
            docker.run("rm", "-f", name);
        }
        if (engine.isPeer()) {
            docker.run("rmi", IMAGE);
        } else {
            engine.close();
        }
    }

    @Test
    void aRestartingContainerReadsAsRunningWithoutAProcess() throws Exception {
        String name = restarting("reads");
        assertEquals("restarting true true 0", inspect(name, "{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.State.Pid}}"));
        assertEquals(name + "\n", ok("ps", "--filter", "name=" + name, "--format", "{{.Names}}"), "ps without -a lists it");
    }

    @Test
    void forceRemovalOfARestartingContainerIsA204() throws Exception {
        String name = restarting("forced");
        UnixHttp.Response removed = UnixHttp.request(engine.socket(), "DELETE", "/v1.41/containers/" + name + "?force=1", Map.of(), null);
        assertEquals(204, removed.status(), removed.text());
        assertEquals(1, docker.run("inspect", name).exitCode(), "it is gone");
    }

    @Test
    void aRestartAlwaysContainerOfTrueGoesAtOnceWithRmF() throws Exception {
        // rm -f lands in every phase of its cycle: starting, running, restarting
        for (int i = 0; i < 10; i++) {
            String name = name("flap-" + i);
            ok("run", "-d", "--name", name, "--restart", "always", IMAGE, "true");
            Thread.sleep(i * 53 % 400);
            long began = System.nanoTime();
            DockerCli.Result rm = docker.run("rm", "-f", name);
            assertEquals(0, rm.exitCode(), "rm -f after " + (i * 53 % 400) + " ms: " + rm.err());
            assertTrue(System.nanoTime() - began < Duration.ofSeconds(10).toNanos(), "rm -f took " + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertEquals("", ok("ps", "-a", "--filter", "name=" + name, "--format", "{{.Names}}"));
        }
    }

    @Test
    void stopAndKillEndTheRestartsOfARestartingContainer() throws Exception {
        for (String[] verb : new String[][] {{"stop"}, {"kill"}, {"kill", "-s", "HUP"}}) {
            String name = restarting(String.join("-", verb).replace("-s-", "-"));
            Instant before = Instant.now();
            List<String> args = new ArrayList<>(List.of(verb));
            args.add(name);
            ok(args.toArray(String[]::new));
            assertEquals("exited false false", inspect(name, "{{.State.Status}} {{.State.Running}} {{.State.Restarting}}"), String.join(" ", verb));
            String count = inspect(name, "{{.RestartCount}}");
            // its back-off was at least 1.6 s: a restart still pending would come within this
            Thread.sleep(2500);
            assertEquals("exited " + count, inspect(name, "{{.State.Status}} {{.RestartCount}}"), String.join(" ", verb) + " ends the restarts");
            // dockerd sends no signal to a container that has no process, so says no kill; stop says stop
            assertEquals(verb[0].equals("stop") ? List.of("stop") : List.of(), actions(name, before));
        }
    }

    @Test
    void pauseExecAndAPlainRmOfARestartingContainerAre409s() throws Exception {
        String name = restarting("refused");
        DockerCli.Result pause = docker.run("pause", name);
        assertTrue(pause.exitCode() != 0 && pause.err().contains("is restarting, wait until the container is running"), pause.err());
        DockerCli.Result exec = docker.run("exec", name, "true");
        assertTrue(exec.exitCode() != 0 && exec.err().contains("is restarting, wait until the container is running"), exec.err());
        DockerCli.Result rm = docker.run("rm", name);
        assertTrue(rm.exitCode() != 0 && rm.err().contains("You cannot remove a restarting container"), rm.err());
        assertEquals("true", inspect(name, "{{.State.Restarting}}"), "none of them changed it");
    }

    @Test
    void stopKillAndRestartSayWhatDockerdSays() throws Exception {
        String name = name("verbs");
        // busybox sleep as PID 1 ignores SIGTERM, so each stop ends with SIGKILL
        ok("run", "-d", "--name", name, IMAGE, "sleep", "300");
        Instant before = Instant.now();
        ok("stop", "-t", "1", name);
        ok("start", name);
        ok("kill", name);
        ok("start", name);
        ok("restart", "-t", "1", name);
        assertEquals(List.of("kill 15", "kill 9", "die", "stop", "start", "kill 9", "die", "start", "kill 15", "kill 9", "die", "stop",
                "start", "restart"), actionsWithSignal(name, before));
    }

    /** A restart=always container of {@code true}, caught restarting with a back-off long enough (1.6 s on) to act in. */
    private String restarting(String name) throws Exception {
        String unique = name(name);
        ok("run", "-d", "--name", unique, "--restart", "always", IMAGE, "true");
        Await.until(WAIT, () -> inspect(unique, "{{.State.Restarting}} {{ge .RestartCount 4}}").equals("true true"));
        return unique;
    }

    private List<String> actions(String name, Instant since) throws Exception {
        return events(name, since, "{{.Action}}");
    }

    private List<String> actionsWithSignal(String name, Instant since) throws Exception {
        return events(name, since, "{{.Action}}{{with .Actor.Attributes.signal}} {{.}}{{end}}").stream()
                .filter(a -> !a.startsWith("exec_")).toList();
    }

    private List<String> events(String name, Instant since, String format) throws Exception {
        String out = ok("events", "--since", epoch(since), "--until", epoch(Instant.now()), "--filter", "container=" + name,
                "--format", format);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** A time as docker events takes it, to the nanosecond: events of the same second before it stay out. */
    private static String epoch(Instant at) {
        return at.getEpochSecond() + "." + String.format("%09d", at.getNano());
    }

    /** A name of this class's own, apart from those of other users of the peer. */
    private String name(String name) throws Exception {
        String unique = "i11-restart-it-" + name;
        // a run of this class that was cut short left it
        docker.run("rm", "-f", unique);
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
