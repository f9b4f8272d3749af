package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.testing.Await;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.HijackedConnection;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker exec as clients drive it through the API, with dockerd 20.10 as the reference (runs against the peer too,
 * {@code -Djmachine.peer.host=unix:///run/jm-peer/docker.sock}): the start body's Tty decides the framing, the
 * detach keys end a TTY exec's stream, a program that cannot run exits 126, ExecIDs and exec inspect as dockerd's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecIT {

    private static final String IMAGE = "localhost/i11-exec-it/busybox:1";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private EngineUnderTest engine;
    private DockerCli docker;
    private final List<String> containers = new ArrayList<>();
    private String box;

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
        box = name("box");
        ok("run", "-d", "--name", box, IMAGE, "sleep", "600");
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
    void aStartBodyWithTtyFalseFramesATtyExecsOutputAsStdout() throws Exception {
        String exec = execCreate(box, "{\"Cmd\":[\"sh\",\"-c\",\"echo out; echo err >&2\"],\"AttachStdout\":true,\"AttachStderr\":true,"
                + "\"Tty\":true}");
        try (HijackedConnection stream = HijackedConnection.post(engine.socket(), "/v1.41/exec/" + exec + "/start", "{\"Tty\":false}")) {
            assertTrue(stream.awaitEnd(WAIT), "the stream ends with the process");
            List<HijackedConnection.Frame> frames = HijackedConnection.frames(stream.received());
            assertTrue(frames.stream().allMatch(f -> f.stream() == 1), "a TTY has one stream, framed as stdout: " + frames);
            assertEquals("out\r\nerr\r\n", String.join("", frames.stream().map(HijackedConnection.Frame::text).toList()));
        }
    }

    @Test
    void aStartBodyWithTtyTrueSendsStdoutRawAndLeavesStderrOut() throws Exception {
        String exec = execCreate(box, "{\"Cmd\":[\"sh\",\"-c\",\"echo out; echo err >&2\"],\"AttachStdout\":true,\"AttachStderr\":true}");
        try (HijackedConnection stream = HijackedConnection.post(engine.socket(), "/v1.41/exec/" + exec + "/start", "{\"Tty\":true}")) {
            assertTrue(stream.awaitEnd(WAIT));
            assertEquals("out\n", new String(stream.received(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutATtyBothStreamsComeFramedAndApart() throws Exception {
        String exec = execCreate(box, "{\"Cmd\":[\"sh\",\"-c\",\"echo out; echo err >&2\"],\"AttachStdout\":true,\"AttachStderr\":true}");
        try (HijackedConnection stream = HijackedConnection.post(engine.socket(), "/v1.41/exec/" + exec + "/start", "{\"Tty\":false}")) {
            assertTrue(stream.awaitEnd(WAIT));
            List<HijackedConnection.Frame> frames = HijackedConnection.frames(stream.received());
            assertEquals("out\n", String.join("", frames.stream().filter(f -> f.stream() == 1).map(HijackedConnection.Frame::text).toList()));
            assertEquals("err\n", String.join("", frames.stream().filter(f -> f.stream() == 2).map(HijackedConnection.Frame::text).toList()));
        }
    }

    @Test
    void aProgramThatCannotRunExitsWith126AsDockerd20Says() throws Exception {
        // missing, not in PATH, not executable, a directory: dockerd 20.10 records 126 for each
        for (String program : new String[] {"/no/such/program", "no-such-program", "/etc/passwd", "/tmp"}) {
            DockerCli.Result run = docker.run("exec", box, program);
            assertEquals(126, run.exitCode(), program + ": " + run.err());
            // the failure comes down the started stream, as stdout
            assertTrue((run.out() + run.err()).contains("OCI runtime exec failed"), run.out() + run.err());
        }
        String exec = execCreate(box, "{\"Cmd\":[\"/no/such/program\"],\"AttachStdout\":true}");
        UnixHttp.Response detached = api("POST", "/exec/" + exec + "/start", "{\"Detach\":true}");
        assertEquals(400, detached.status(), detached.text());
        assertTrue(detached.text().contains("no such file or directory"), detached.text());
        JsonNode inspect = execInspect(exec);
        assertEquals(126, inspect.path("ExitCode").asInt(), inspect.toString());
        assertFalse(inspect.path("Running").asBoolean());
        assertEquals(0, inspect.path("Pid").asInt());
    }

    @Test
    void theDefaultDetachKeysEndATtyExecsStreamWithDockerdsLine() throws Exception {
        String exec = execCreate(box, "{\"Cmd\":[\"cat\"],\"AttachStdin\":true,\"AttachStdout\":true,\"Tty\":true}");
        try (HijackedConnection stream = HijackedConnection.post(engine.socket(), "/v1.41/exec/" + exec + "/start", "{\"Tty\":true}")) {
            stream.send("hello\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(stream.awaitText("hello", WAIT), "the TTY echoes what was typed");
            stream.send(new byte[] {0x10, 0x11});
            assertTrue(stream.awaitEnd(WAIT), "ctrl-p ctrl-q ends the stream");
            assertTrue(new String(stream.received(), StandardCharsets.UTF_8).contains("read escape sequence"),
                    "docker-py looks for dockerd's line: " + new String(stream.received(), StandardCharsets.UTF_8));
        }
        if (!engine.isPeer()) {
            // deliberately not dockerd 20.10, which hangs the process up and records 126: a detach leaves it running
            JsonNode inspect = execInspect(exec);
            assertTrue(inspect.path("Running").asBoolean(), inspect.toString());
        }
    }

    @Test
    void detachKeysNamedAtCreateReplaceTheDefaultOnesAndShowInInspect() throws Exception {
        String exec = execCreate(box, "{\"Cmd\":[\"cat\"],\"AttachStdin\":true,\"AttachStdout\":true,\"Tty\":true,"
                + "\"DetachKeys\":\"ctrl-a,x\"}");
        assertEquals("AXg=", execInspect(exec).path("DetachKeys").asText(), "dockerd shows the key bytes in base64");
        try (HijackedConnection stream = HijackedConnection.post(engine.socket(), "/v1.41/exec/" + exec + "/start", "{\"Tty\":false}")) {
            stream.send("one\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(stream.awaitText("one", WAIT));
            stream.send(new byte[] {0x10, 0x11});
            assertFalse(stream.awaitEnd(Duration.ofSeconds(1)), "ctrl-p ctrl-q are input now");
            stream.send(new byte[] {0x01, 'x'});
            assertTrue(stream.awaitEnd(WAIT), "ctrl-a x ends the stream");
        }
    }

    @Test
    void withoutATtyTheDetachKeysAreInputAsInDockerd() throws Exception {
        String exec = execCreate(box, "{\"Cmd\":[\"cat\"],\"AttachStdin\":true,\"AttachStdout\":true}");
        try (HijackedConnection stream = HijackedConnection.post(engine.socket(), "/v1.41/exec/" + exec + "/start", "{\"Tty\":false}")) {
            stream.send(new byte[] {'a', 0x10, 0x11, 'b', '\n'});
            assertTrue(stream.awaitText("b\n", WAIT));
            assertFalse(stream.awaitEnd(Duration.ofMillis(500)));
            stream.endInput();
            assertTrue(stream.awaitEnd(WAIT), "the end of stdin ends cat");
            List<HijackedConnection.Frame> frames = HijackedConnection.frames(stream.received());
            assertEquals("a\u0010\u0011b\n", String.join("", frames.stream().map(HijackedConnection.Frame::text).toList()));
        }
    }

    @Test
    void detachKeysDockerCannotReadAreRefusedAtCreateWithA500() throws Exception {
        UnixHttp.Response refused = api("POST", "/containers/" + box + "/exec", "{\"Cmd\":[\"true\"],\"DetachKeys\":\"ctrl-1\"}");
        assertEquals(500, refused.status(), refused.text());
        assertEquals("Invalid escape keys (ctrl-1) provided", JSON.readTree(refused.body()).path("message").asText());
    }

    @Test
    void execIdsListTheExecsThatHaveNotEndedAndExecInspectReadsAsDockerds() throws Exception {
        String box2 = name("ids");
        ok("run", "-d", "--name", box2, IMAGE, "sleep", "600");
        assertTrue(containerInspect(box2).path("ExecIDs").isNull(), "none yet: null, as dockerd");

        String sleeper = execCreate(box2, "{\"Cmd\":[\"sleep\",\"60\"]}");
        assertEquals(List.of(sleeper), execIds(box2), "made and not started counts");
        assertEquals(200, api("POST", "/exec/" + sleeper + "/start", "{\"Detach\":true}").status());
        JsonNode running = execInspect(sleeper);
        assertTrue(running.path("Running").asBoolean(), running.toString());
        assertTrue(running.path("ExitCode").isNull());
        assertTrue(running.path("Pid").asInt() > 0);
        assertEquals("", running.path("DetachKeys").asText());
        assertFalse(running.path("ProcessConfig").has("user"), "an empty user is left out: " + running);
        assertEquals(List.of("60"), JSON.convertValue(running.path("ProcessConfig").path("arguments"), List.class));

        String quick = execCreate(box2, "{\"Cmd\":[\"true\"],\"User\":\"nobody\"}");
        assertEquals(200, api("POST", "/exec/" + quick + "/start", "{\"Detach\":true}").status());
        Await.until(WAIT, () -> !execInspect(quick).path("Running").asBoolean());
        JsonNode ended = execInspect(quick);
        assertEquals(0, ended.path("ExitCode").asInt(), ended.toString());
        assertTrue(ended.path("Pid").asInt() > 0, "the pid stays after the exit");
        assertEquals("nobody", ended.path("ProcessConfig").path("user").asText());
        Await.until(WAIT, () -> execIds(box2).equals(List.of(sleeper)));

        UnixHttp.Response again = api("POST", "/exec/" + quick + "/start", "{\"Detach\":true}");
        assertEquals(409, again.status());
        assertEquals("Error: Exec command " + quick + " has already run", JSON.readTree(again.body()).path("message").asText());
        UnixHttp.Response still = api("POST", "/exec/" + sleeper + "/start", "{\"Detach\":true}");
        assertEquals(409, still.status());
        assertEquals("Error: Exec command " + sleeper + " is already running", JSON.readTree(still.body()).path("message").asText());
    }

    @Test
    void anExecOfAContainerThatRestartedReadsAsKilledAndInspectsStillAnswer() throws Exception {
        String box3 = name("restarted");
        ok("run", "-d", "--name", box3, IMAGE, "sleep", "600");
        String exec = execCreate(box3, "{\"Cmd\":[\"sleep\",\"60\"]}");
        assertEquals(200, api("POST", "/exec/" + exec + "/start", "{\"Detach\":true}").status());
        ok("restart", "-t", "0", box3);
        // the exec went with the container's first run: dockerd records it killed
        Await.until(WAIT, () -> !execInspect(exec).path("Running").asBoolean());
        assertEquals(137, execInspect(exec).path("ExitCode").asInt());
        assertTrue(containerInspect(box3).path("ExecIDs").isNull());
    }

    @Test
    void longRunningExecsLeaveTheEngineAnswering() throws Exception {
        // each running exec once held a carrier thread of the engine's handlers: two of them (on two cores) hung it
        for (int i = 0; i < 6; i++) {
            String exec = execCreate(box, "{\"Cmd\":[\"sleep\",\"60\"]}");
            assertEquals(200, api("POST", "/exec/" + exec + "/start", "{\"Detach\":true}").status());
        }
        for (int i = 0; i < 3; i++) {
            DockerCli.Result echo = docker.run(null, Duration.ofSeconds(20), "exec", box, "echo", "still-here");
            assertEquals("still-here\n", echo.out(), echo.err());
        }
    }

    private String execCreate(String container, String json) throws Exception {
        UnixHttp.Response created = api("POST", "/containers/" + container + "/exec", json);
        assertEquals(201, created.status(), created.text());
        return JSON.readTree(created.body()).path("Id").asText();
    }

    private JsonNode execInspect(String exec) throws Exception {
        UnixHttp.Response inspect = api("GET", "/exec/" + exec + "/json", null);
        assertEquals(200, inspect.status(), inspect.text());
        return JSON.readTree(inspect.body());
    }

    private JsonNode containerInspect(String container) throws Exception {
        UnixHttp.Response inspect = api("GET", "/containers/" + container + "/json", null);
        assertEquals(200, inspect.status(), inspect.text());
        return JSON.readTree(inspect.body());
    }

    private List<String> execIds(String container) throws Exception {
        JsonNode ids = containerInspect(container).path("ExecIDs");
        List<String> list = new ArrayList<>();
        ids.forEach(id -> list.add(id.asText()));
        return list;
    }

    private UnixHttp.Response api(String method, String path, String json) throws Exception {
        return json == null ? UnixHttp.request(engine.socket(), method, "/v1.41" + path, java.util.Map.of(), null)
                : UnixHttp.json(engine.socket(), method, "/v1.41" + path, json);
    }

    /** A name of this class's own, apart from those of other users of the peer. */
    private String name(String name) throws Exception {
        String unique = "i11-exec-it-" + name;
        // a run of this class that was cut short left it
        docker.run("rm", "-f", unique);
        containers.add(unique);
        return unique;
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out();
    }
}
