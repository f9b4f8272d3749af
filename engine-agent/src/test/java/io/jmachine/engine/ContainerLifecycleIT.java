package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TestEngine;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.jmachine.engine.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container lifecycle through the real docker CLI against one engine in this JVM: run and its options,
 * ps, inspect, stop/kill/restart/pause, rename, rm, wait and the restart policies. After the class, every
 * container is removed and nothing of them may be left on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerLifecycleIT {

    static final String IMAGE = "localhost/it/busybox:1";

    @TempDir
    static Path dir;

    TestEngine engine;
    DockerCli docker;

    @BeforeAll
    void start() throws Exception {
        engine = TestEngine.start(dir);
        docker = engine.docker();
        ok("import", "-c", "CMD [\"sh\"]", BusyboxRootfs.tar(dir).toString(), IMAGE);
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
        return result.out();
    }

    DockerCli.Result fails(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertNotEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + " should fail: " + result.out());
        return result;
    }

    String inspect(String container, String format) throws Exception {
        return ok("inspect", "-f", format, container).strip();
    }

    @Test
    void runPropagatesExitCodesAndKeepsStdoutAndStderrApart() throws Exception {
        DockerCli.Result result = docker.run("run", "--rm", IMAGE, "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, result.exitCode(), result.err());
        assertEquals("out\n", result.out());
        assertEquals("err\n", result.err());
        assertEquals(0, docker.run("run", "--rm", IMAGE, "true").exitCode());
        assertEquals(127, docker.run("run", "--rm", IMAGE, "/no/such/binary").exitCode());
    }

    @Test
    void runAppliesEnvEnvFileWorkdirUserEntrypointHostnameAndLabels() throws Exception {
        Path envFile = Files.writeString(dir.resolve("env.list"), "B=from-file\n# a comment\nC=three words\n");
        String out = ok("run", "--name", "opts", "-e", "A=1", "--env-file", envFile.toString(), "-w", "/tmp", "-u", "65534:65534",
                "--hostname", "box1", "-l", "team=it", "-l", "tier=web", IMAGE,
                "sh", "-c", "echo \"$A|$B|$C|$(pwd)|$(id -u):$(id -g)|$(hostname)\"");
        assertEquals("1|from-file|three words|/tmp|65534:65534|box1\n", out);
        assertEquals("map[team:it tier:web] box1 /tmp 65534:65534", inspect("opts",
                "{{.Config.Labels}} {{.Config.Hostname}} {{.Config.WorkingDir}} {{.Config.User}}"));
        ok("rm", "opts");

        assertEquals("hello there\n", ok("run", "--rm", "--entrypoint", "/bin/echo", IMAGE, "hello", "there"));
        assertEquals("from-entrypoint\n", ok("run", "--rm", "--entrypoint", "/bin/sh", IMAGE, "-c", "echo from-entrypoint"));
    }

    @Test
    void runWithIReadsPipedStdinAndWithTGetsATerminal() throws Exception {
        DockerCli.Result piped = docker.runWithInput("line1\nline2\n".getBytes(), "run", "-i", "--rm", IMAGE, "sh", "-c", "cat; echo done");
        assertEquals("line1\nline2\ndone\n", piped.out(), piped.err());
        assertEquals("\n", docker.run("run", "--rm", IMAGE, "sh", "-c", "cat; echo").out(), "no -i: stdin is empty");

        DockerCli.Result tty = docker.sh("script -qec \"docker run -it --rm " + IMAGE
                + " sh -c 'tty; test -t 0 && test -t 1 && echo both-ttys'\" /dev/null");
        assertEquals(0, tty.exitCode(), tty.err());
        assertTrue(tty.out().matches("(?s).*/dev/pts/[0-9]+\r?\n.*both-ttys.*"), tty.out());
    }

    @Test
    void detachedContainersInPsWithFiltersAndFormats() throws Exception {
        String up = ok("run", "-d", "--name", "ps-up", "-l", "role=server", IMAGE, "sleep", "300").strip();
        String down = ok("run", "-d", "--name", "ps-down", "-l", "role=job", IMAGE, "sh", "-c", "exit 3").strip();
        until(Duration.ofSeconds(10), () -> inspect("ps-down", "{{.State.Status}}").equals("exited"));

        assertTrue(up.matches("[0-9a-f]{64}"), up);
        List<String> running = ok("ps", "--format", "{{.Names}}|{{.Status}}|{{.Labels}}").lines().filter(l -> l.startsWith("ps-")).toList();
        assertEquals(1, running.size(), running.toString());
        assertTrue(running.get(0).matches("ps-up\\|Up .*\\|role=server"), running.get(0));
        assertTrue(ok("ps", "-a", "--format", "{{.Names}} {{.Status}}").lines().anyMatch(l -> l.matches("ps-down Exited \\(3\\) .*")));
        assertTrue(ok("ps", "-q").lines().toList().contains(up.substring(0, 12)));
        assertTrue(ok("ps", "-aq", "--no-trunc").lines().toList().containsAll(List.of(up, down)));
        assertEquals("ps-down", ok("ps", "-a", "--filter", "status=exited", "--filter", "name=ps-", "--format", "{{.Names}}").strip());
        assertEquals("ps-up", ok("ps", "--filter", "status=running", "--filter", "name=ps-", "--format", "{{.Names}}").strip());
        assertEquals("ps-up", ok("ps", "-a", "--filter", "label=role=server", "--format", "{{.Names}}").strip());
        assertEquals(List.of("ps-down", "ps-up"), ok("ps", "-a", "--filter", "label=role", "--format", "{{.Names}}").lines().sorted().toList());
        assertEquals("ps-up", ok("ps", "-a", "--filter", "name=ps-u", "--format", "{{.Names}}").strip());
        assertEquals(up + " \"sleep 300\" " + IMAGE, ok("ps", "--no-trunc", "--filter", "name=ps-up", "--format", "{{.ID}} {{.Command}} {{.Image}}").strip());
        ok("rm", "-f", "ps-up", "ps-down");
        assertEquals("", ok("ps", "-a", "--filter", "name=ps-", "-q").strip());
    }

    @Test
    void inspectShowsStateConfigHostConfigAndTheAddressOnTheTestBridge() throws Exception {
        ok("run", "-d", "--name", "insp", "-e", "K=V", "--restart", "on-failure:5", "-m", "64m", IMAGE, "sleep", "300");
        assertEquals("running true false 0", inspect("insp", "{{.State.Status}} {{.State.Running}} {{.State.Paused}} {{.State.ExitCode}}"));
        int pid = Integer.parseInt(inspect("insp", "{{.State.Pid}}"));
        assertTrue(Files.exists(Path.of("/proc", String.valueOf(pid))), "State.Pid is a live host process");
        assertTrue(Instant.parse(inspect("insp", "{{.State.StartedAt}}")).isAfter(Instant.now().minusSeconds(60)));
        assertEquals(IMAGE + " [sleep 300] /insp", inspect("insp", "{{.Config.Image}} {{.Config.Cmd}} {{.Name}}"));
        assertTrue(inspect("insp", "{{.Config.Env}}").contains("K=V"));
        assertEquals("on-failure 5 67108864 bridge", inspect("insp",
                "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.HostConfig.Memory}} {{.HostConfig.NetworkMode}}"));
        String address = inspect("insp", "{{.NetworkSettings.IPAddress}}");
        String subnetPrefix = engine.roots().network().subnet().replaceAll("0/24$", "");
        assertTrue(address.startsWith(subnetPrefix), address + " is in " + engine.roots().network().subnet());
        assertEquals(subnetPrefix + "1", inspect("insp", "{{.NetworkSettings.Gateway}}"));
        assertTrue(ok("exec", "insp", "ip", "-4", "addr", "show", "eth0").contains("inet " + address + "/24"));
        assertEquals("0", ok("exec", "insp", "sh", "-c", "ping -c 1 -W 2 " + subnetPrefix + "1 >/dev/null; echo $?").strip(),
                "the container reaches its gateway, the test bridge");
        ok("rm", "-f", "insp");
        assertFalse(Files.exists(Path.of("/proc", String.valueOf(pid))), "rm -f ended the process");
    }

    @Test
    void stopSendsTheStopSignalThenKillsAfterTheTimeout() throws Exception {
        String trapping = "trap 'echo got-usr1; exit 11' USR1; trap 'echo got-term; exit 12' TERM; while true; do sleep 0.1; done";
        ok("run", "-d", "--name", "stop-usr1", "--stop-signal", "USR1", IMAGE, "sh", "-c", trapping);
        ok("run", "-d", "--name", "stop-term", IMAGE, "sh", "-c", trapping);
        ok("run", "-d", "--name", "stop-deaf", IMAGE, "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done");
        ok("import", "-c", "STOPSIGNAL SIGUSR1", BusyboxRootfs.tar(dir.resolve("stopsignal")).toString(), "localhost/it/usr1:1");
        ok("run", "-d", "--name", "stop-image", "localhost/it/usr1:1", "sh", "-c", trapping);
        Thread.sleep(300); // the traps are set

        long began = System.nanoTime();
        ok("stop", "-t", "10", "stop-usr1", "stop-term", "stop-image");
        assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(5), "trapped signals end the containers at once");
        assertEquals("11 got-usr1", inspect("stop-usr1", "{{.State.ExitCode}}") + " " + ok("logs", "stop-usr1").strip());
        assertEquals("12 got-term", inspect("stop-term", "{{.State.ExitCode}}") + " " + ok("logs", "stop-term").strip());
        assertEquals("11 got-usr1", inspect("stop-image", "{{.State.ExitCode}}") + " " + ok("logs", "stop-image").strip(),
                "the image's STOPSIGNAL");

        began = System.nanoTime();
        ok("stop", "-t", "1", "stop-deaf");
        long took = System.nanoTime() - began;
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900) && took < TimeUnit.SECONDS.toNanos(8), "waited the timeout, then killed: " + took);
        assertEquals("exited 137", inspect("stop-deaf", "{{.State.Status}} {{.State.ExitCode}}"));
        assertTrue(fails("stop", "no-such-container").err().contains("No such container: no-such-container"));
        ok("rm", "stop-usr1", "stop-term", "stop-deaf", "stop-image");
        ok("rmi", "localhost/it/usr1:1");
    }

    @Test
    void killSendsTheGivenSignal() throws Exception {
        ok("run", "-d", "--name", "kill-hup", IMAGE, "sh", "-c", "trap 'echo hup; exit 9' HUP; while true; do sleep 0.1; done");
        Thread.sleep(300);
        ok("kill", "-s", "HUP", "kill-hup");
        until(Duration.ofSeconds(10), () -> inspect("kill-hup", "{{.State.Status}}").equals("exited"));
        assertEquals("9 hup", inspect("kill-hup", "{{.State.ExitCode}}") + " " + ok("logs", "kill-hup").strip());
        assertTrue(fails("kill", "kill-hup").err().contains("is not running"), "a stopped container cannot be killed");

        ok("start", "kill-hup");
        ok("kill", "kill-hup");
        assertEquals("exited 137", inspect("kill-hup", "{{.State.Status}} {{.State.ExitCode}}"), "SIGKILL by default, exited on return");
        ok("rm", "kill-hup");
    }

    @Test
    void restartGivesANewProcessAndPauseFreezesIt() throws Exception {
        ok("run", "-d", "--name", "rs", IMAGE, "sh", "-c", "while true; do echo tick; sleep 0.1; done");
        String firstPid = inspect("rs", "{{.State.Pid}}");
        ok("restart", "-t", "1", "rs");
        assertEquals("running 0", inspect("rs", "{{.State.Status}} {{.RestartCount}}"), "a manual restart is not counted");
        assertNotEquals(firstPid, inspect("rs", "{{.State.Pid}}"));

        ok("pause", "rs");
        assertEquals("paused true true", inspect("rs", "{{.State.Status}} {{.State.Running}} {{.State.Paused}}"));
        assertTrue(ok("ps", "--filter", "name=rs", "--format", "{{.Status}}").strip().endsWith("(Paused)"));
        assertTrue(fails("exec", "rs", "true").err().contains("is paused"));
        Thread.sleep(300);
        long frozen = ok("logs", "rs").lines().count();
        Thread.sleep(700);
        assertEquals(frozen, ok("logs", "rs").lines().count(), "a paused container writes nothing");
        ok("unpause", "rs");
        assertEquals("running", inspect("rs", "{{.State.Status}}"));
        until(Duration.ofSeconds(5), () -> ok("logs", "rs").lines().count() > frozen);
        assertTrue(fails("unpause", "rs").err().contains("is not paused"));
        ok("rm", "-f", "rs");
    }

    @Test
    void renameRefusesTakenAndInvalidNames() throws Exception {
        String id = ok("create", "--name", "rn-a", IMAGE, "true").strip();
        ok("create", "--name", "rn-b", IMAGE, "true");
        DockerCli.Result taken = fails("rename", "rn-a", "rn-b");
        assertTrue(taken.err().contains("The container name \"/rn-b\" is already in use"), taken.err());
        assertEquals(409, UnixHttp.request(engine.roots().socket(), "POST", "/v1.50/containers/rn-a/rename?name=rn-b", Map.of(), null).status());
        UnixHttp.Response invalid = UnixHttp.request(engine.roots().socket(), "POST", "/v1.50/containers/rn-a/rename?name=bad/name", Map.of(), null);
        assertEquals(400, invalid.status());
        assertTrue(invalid.text().contains("Invalid container name (bad/name)"), invalid.text());

        ok("rename", "rn-a", "rn-c");
        assertEquals(id, inspect("rn-c", "{{.Id}}"));
        assertTrue(fails("inspect", "rn-a").err().contains("No such"));
        ok("rename", "rn-c", "rn-a");
        ok("rm", "rn-a", "rn-b");
    }

    @Test
    void rmOfARunningContainerIsRefusedUnlessForced() throws Exception {
        ok("run", "-d", "--name", "rm-me", IMAGE, "sleep", "300");
        String pid = inspect("rm-me", "{{.State.Pid}}");
        DockerCli.Result refused = fails("rm", "rm-me");
        // dockerd 20.10's words
        assertTrue(refused.err().contains("You cannot remove a running container") && refused.err().contains(
                "Stop the container before attempting removal or force remove"), refused.err());
        assertEquals(409, UnixHttp.request(engine.roots().socket(), "DELETE", "/v1.50/containers/rm-me", Map.of(), null).status());
        assertEquals("running", inspect("rm-me", "{{.State.Status}}"), "a refused rm changes nothing");

        ok("rm", "-f", "rm-me");
        assertTrue(fails("inspect", "rm-me").err().contains("No such"));
        assertFalse(Files.exists(Path.of("/proc", pid)));
        assertTrue(fails("rm", "rm-me").err().contains("No such container: rm-me"));
    }

    @Test
    void waitHonoursEachConditionOnACreatedContainer() throws Exception {
        ok("create", "--name", "wt", IMAGE, "sh", "-c", "sleep 1; exit 6");
        CompletableFuture<String> nextExit = waitAsync("wt", "next-exit");
        CompletableFuture<String> removed = waitAsync("wt", "removed");
        assertEquals("{\"StatusCode\":0,\"Error\":null}", waitAsync("wt", "not-running").get(10, TimeUnit.SECONDS).strip(),
                "a created container is not running: not-running holds at once");
        Thread.sleep(500);
        assertFalse(nextExit.isDone(), "next-exit waits for the container to run and exit");
        assertFalse(removed.isDone());

        ok("start", "wt");
        assertTrue(nextExit.get(20, TimeUnit.SECONDS).contains("\"StatusCode\":6"), nextExit.join());
        assertEquals("6", ok("wait", "wt").strip(), "docker wait of an exited container");
        assertFalse(removed.isDone(), "exited is not removed");
        ok("rm", "wt");
        assertTrue(removed.get(10, TimeUnit.SECONDS).contains("\"StatusCode\":6"), removed.join());
        assertEquals(404, UnixHttp.request(engine.roots().socket(), "POST", "/v1.50/containers/wt/wait?condition=removed", Map.of(), null).status(),
                "a removed container is not found");
    }

    /** Each wait blocks until its condition holds: a thread of its own (the common pool may have only one). */
    private CompletableFuture<String> waitAsync(String container, String condition) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                UnixHttp.Response response = UnixHttp.request(engine.roots().socket(), "POST",
                        "/v1.50/containers/" + container + "/wait?condition=" + condition, Map.of(), null);
                assertEquals(200, response.status(), response.text());
                result.complete(response.text());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Test
    void onFailureRestartsExactlyTheGivenNumberOfTimes() throws Exception {
        String id = ok("run", "-d", "--name", "rp-fail", "--restart", "on-failure:2", IMAGE, "sh", "-c", "echo run; exit 3").strip();
        until(Duration.ofSeconds(20), () -> engine.events().actions(id).stream().filter("die"::equals).count() == 3);
        until(Duration.ofSeconds(5), () -> inspect("rp-fail", "{{.State.Status}}").equals("exited"));
        Thread.sleep(1000); // a fourth start would come within the back-off (0.4 s)
        assertEquals("exited 3 2", inspect("rp-fail", "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}"));
        assertEquals(3, ok("logs", "rp-fail").lines().filter("run"::equals).count());
        assertEquals(3, engine.events().actions(id).stream().filter("start"::equals).count());
        ok("rm", "rp-fail");
    }

    @Test
    void alwaysRestartsUntilStopped() throws Exception {
        String id = ok("run", "-d", "--name", "rp-always", "--restart", "always", IMAGE, "sh", "-c", "sleep 0.2; exit 0").strip();
        until(Duration.ofSeconds(20), () -> Integer.parseInt(inspect("rp-always", "{{.RestartCount}}")) >= 3);
        ok("stop", "-t", "1", "rp-always");
        assertEquals("exited", inspect("rp-always", "{{.State.Status}}"));
        long starts = engine.events().actions(id).stream().filter("start"::equals).count();
        Thread.sleep(1500);
        assertEquals("exited", inspect("rp-always", "{{.State.Status}}"), "a stopped container stays stopped");
        assertEquals(starts, engine.events().actions(id).stream().filter("start"::equals).count());
        ok("rm", "rp-always");
    }
}
