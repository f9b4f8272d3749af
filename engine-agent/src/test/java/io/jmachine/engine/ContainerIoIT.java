package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.jmachine.engine.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What goes in and out of containers, through the real docker CLI against one engine in this JVM: logs, attach,
 * exec, top, stats, cp (also into a symlink that points outside), export, commit, prune and events. After the
 * class, every container is removed and nothing of them may be left on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerIoIT {

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
        ok("run", "-d", "--name", "box", IMAGE, "sleep", "600");
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

    @Test
    void logsSelectByStreamTailTimeAndFollowUntilTheExit() throws Exception {
        ok("run", "-d", "--name", "talker", IMAGE, "sh", "-c", "echo one; echo two >&2; sleep 2; echo three; sleep 1; echo four");
        Thread.sleep(1000);
        Instant middle = Instant.now();
        long began = System.nanoTime();
        DockerCli.Result followed = docker.run("logs", "-f", "-t", "talker");
        assertEquals(0, followed.exitCode(), followed.err());
        assertTrue(System.nanoTime() - began > Duration.ofMillis(1500).toNanos(), "-f waited for the container to end");
        List<String> lines = followed.out().lines().toList();
        assertEquals(3, lines.size(), followed.out());
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z one"), lines.get(0));
        assertTrue(lines.get(2).endsWith(" four"), lines.get(2));
        assertTrue(followed.err().matches("\\S+Z two\n"), followed.err());

        assertEquals("one\nthree\nfour\n", ok("logs", "talker"));
        assertEquals("two\n", docker.run("logs", "talker").err());
        assertEquals("three\nfour\n", ok("logs", "--tail", "2", "talker"));
        assertEquals("", ok("logs", "--tail", "0", "talker"));
        String since = String.valueOf(middle.getEpochSecond() + (middle.getNano() > 0 ? 1 : 0));
        assertEquals("three\nfour\n", ok("logs", "--since", since, "talker"));
        DockerCli.Result until = docker.run("logs", "--until", since, "talker");
        assertEquals("one\n", until.out());
        assertEquals("two\n", until.err());
        ok("rm", "talker");
    }

    @Test
    void attachStreamsOutputReturnsTheExitCodeAndForwardsStdin() throws Exception {
        ok("run", "-d", "--name", "ticker", IMAGE, "sh", "-c", "for i in 1 2 3; do sleep 0.5; echo tick$i; done; exit 2");
        DockerCli.Result attached = docker.run("attach", "ticker");
        assertEquals(2, attached.exitCode(), attached.err());
        assertTrue(attached.out().endsWith("tick3\n"), attached.out());

        ok("run", "-d", "-i", "--name", "reader", IMAGE, "sh", "-c", "read line; echo got-$line; exit 4");
        DockerCli.Result withStdin = docker.runWithInput("hello\n".getBytes(), "attach", "reader");
        assertEquals(4, withStdin.exitCode(), withStdin.err());
        assertEquals("got-hello\n", withStdin.out());
        ok("rm", "ticker", "reader");
    }

    @Test
    void execHonoursItsOptionsAndReturnsTheExitCode() throws Exception {
        assertEquals("to-exec\n", docker.runWithInput("to-exec\n".getBytes(), "exec", "-i", "box", "cat").out());
        assertEquals("65534 /tmp y\n", ok("exec", "-u", "65534", "-w", "/tmp", "-e", "X=y", "box", "sh", "-c", "echo $(id -u) $(pwd) $X"));
        assertEquals("nobody\n", ok("exec", "-u", "nobody", "box", "whoami"));
        assertEquals(42, docker.run("exec", "box", "sh", "-c", "exit 42").exitCode());
        assertEquals("sleep\n", ok("exec", "box", "cat", "/proc/1/comm"), "exec joins the container's namespaces");

        DockerCli.Result tty = docker.sh("script -qec 'docker exec -t box tty' /dev/null");
        assertTrue(tty.out().matches("(?s).*/dev/pts/[0-9]+.*"), tty.out());

        ok("exec", "-d", "box", "sh", "-c", "sleep 0.5; touch /tmp/from-detached");
        assertFalse(ok("exec", "box", "ls", "/tmp").contains("from-detached"), "-d returns before the command ends");
        until(Duration.ofSeconds(10), () -> ok("exec", "box", "ls", "/tmp").contains("from-detached"));

        DockerCli.Result missing = docker.run("exec", "box", "/no/such/binary");
        // dockerd 20.10 records 126 for every exec that cannot start (ExecIT checks it against the peer)
        assertEquals(126, missing.exitCode(), missing.out() + missing.err());
        assertTrue((missing.out() + missing.err()).contains("/no/such/binary"), missing.out() + missing.err());
    }

    @Test
    void topListsTheProcessesAndStatsReadsTheCgroup() throws Exception {
        String top = ok("top", "box");
        assertTrue(top.lines().findFirst().orElseThrow().matches("UID\\s+PID\\s+PPID\\s+C\\s+STIME\\s+TTY\\s+TIME\\s+CMD"), top);
        assertTrue(top.lines().anyMatch(l -> l.endsWith("sleep 600")), top);
        assertTrue(top.contains(ok("inspect", "-f", "{{.State.Pid}}", "box").strip()), "the host's pid: " + top);

        String stats = ok("stats", "--no-stream", "--format", "{{.Name}}|{{.MemUsage}}|{{.PIDs}}", "box").strip();
        assertTrue(stats.matches("box\\|[0-9.]+[KMG]iB / .*\\|1"), stats);
    }

    @Test
    void cpCopiesFilesAndFoldersBothWaysWithTheirStat() throws Exception {
        Path in = dir.resolve("cp-in/tree");
        Files.createDirectories(in.resolve("sub"));
        Files.writeString(in.resolve("a"), "file a\n");
        Files.writeString(in.resolve("sub/b"), "file b\n");
        Path single = Files.writeString(dir.resolve("cp-in/single"), "single\n");

        ok("cp", single.toString(), "box:/tmp/");
        ok("cp", in.toString(), "box:/tmp/tree");
        assertEquals("single\nfile a\nfile b\n", ok("exec", "box", "cat", "/tmp/single", "/tmp/tree/a", "/tmp/tree/sub/b"));

        ok("exec", "box", "sh", "-c", "mkdir -p /out/x && echo deep > /out/x/y && ln -s x /out/link && chmod 640 /out/x/y");
        Path out = dir.resolve("cp-out");
        ok("cp", "box:/out", out.toString());
        assertEquals("deep\n", Files.readString(out.resolve("x/y")));
        assertEquals(Path.of("x"), Files.readSymbolicLink(out.resolve("link")), "symlinks are copied as links");
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("x/y"))));
        Path contents = dir.resolve("cp-contents");
        ok("cp", "box:/out/.", contents.toString());
        assertEquals(List.of("link", "x"), list(contents), "/. copies a folder's contents");
        ok("cp", "box:/bin/busybox", dir.resolve("busybox.out").toString());
        assertEquals(-1, Files.mismatch(dir.resolve("busybox.out"), Path.of("/bin/busybox")));

        UnixHttp.Response head = UnixHttp.request(engine.roots().socket(), "HEAD", "/v1.50/containers/box/archive?path=/out/x/y", Map.of(), null);
        assertEquals(200, head.status());
        JsonNode stat = new ObjectMapper().readTree(Base64.getDecoder().decode(head.header("X-Docker-Container-Path-Stat")));
        assertEquals("y", stat.get("name").asText());
        assertEquals(5, stat.get("size").asLong());
        assertEquals(0640, stat.get("mode").asLong());
        JsonNode dirStat = new ObjectMapper().readTree(Base64.getDecoder().decode(UnixHttp.request(engine.roots().socket(), "HEAD",
                "/v1.50/containers/box/archive?path=/out", Map.of(), null).header("X-Docker-Container-Path-Stat")));
        assertEquals(1L << 31, dirStat.get("mode").asLong() & (1L << 31), "a folder has Go's ModeDir bit");
        assertEquals(404, UnixHttp.request(engine.roots().socket(), "HEAD", "/v1.50/containers/box/archive?path=/nothing", Map.of(), null).status());
        assertTrue(docker.run("cp", "box:/nothing", out.toString()).err().contains("Could not find the file /nothing"));
    }

    @Test
    void cpIntoASymlinkThatPointsOutsideTheContainerChangesNothingOutside() throws Exception {
        Path canary = Files.createDirectories(dir.resolve("canary"));
        Files.writeString(canary.resolve("keep"), "keep\n");
        Path file = Files.writeString(dir.resolve("payload"), "payload\n");
        ok("run", "-d", "--name", "cp-escape", IMAGE, "sleep", "600");
        ok("exec", "cp-escape", "ln", "-s", canary.toString(), "/escape");
        ok("exec", "cp-escape", "ln", "-s", "../../../../../../../.." + canary, "/relative-escape");

        assertNotEquals(0, docker.run("cp", file.toString(), "cp-escape:/escape/").exitCode(), "the target does not exist in the container");
        assertNotEquals(0, docker.run("cp", file.toString(), "cp-escape:/relative-escape/").exitCode());
        assertEquals(List.of("keep"), list(canary));

        // once the link's target exists inside the container, the copy lands there: inside
        ok("exec", "cp-escape", "mkdir", "-p", canary.toString());
        ok("cp", file.toString(), "cp-escape:/escape/");
        ok("cp", file.toString(), "cp-escape:/relative-escape/payload2");
        assertEquals(List.of("keep"), list(canary), "nothing was written on the host");
        assertEquals("keep\n", Files.readString(canary.resolve("keep")));
        assertEquals("payload\npayload\n", ok("exec", "cp-escape", "cat", canary + "/payload", canary + "/payload2"));

        // and reading through the link reads the container's files, not the host's
        Path out = dir.resolve("escape-out");
        ok("cp", "cp-escape:/escape/.", out.toString());
        assertEquals(List.of("payload", "payload2"), list(out));
        ok("rm", "-f", "cp-escape");
    }

    @Test
    void exportAndCommitWithChanges() throws Exception {
        ok("run", "--name", "to-commit", IMAGE, "sh", "-c", "mkdir /data && echo committed > /data/file");
        Path exported = dir.resolve("export.tar");
        ok("export", "-o", exported.toString(), "to-commit");
        List<String> entries = tarEntries(exported);
        assertTrue(entries.containsAll(List.of("data/file", "bin/busybox", "etc/passwd")), entries.toString());

        ok("commit", "-a", "tester", "-m", "with changes", "--change", "ENV FOO=bar", "--change", "WORKDIR /data",
                "--change", "LABEL stage=committed", "--change", "CMD [\"sh\", \"-c\", \"echo $FOO $(pwd) $(cat file)\"]",
                "to-commit", "localhost/it/committed:1");
        assertEquals("bar /data committed\n", ok("run", "--rm", "localhost/it/committed:1"));
        assertEquals("tester with changes map[stage:committed]", ok("image", "inspect", "-f", "{{.Author}} {{.Comment}} {{.Config.Labels}}",
                "localhost/it/committed:1").strip());
        ok("rm", "to-commit");
        ok("rmi", "localhost/it/committed:1");
    }

    @Test
    void pruneRemovesStoppedContainersOnly() throws Exception {
        ok("run", "--name", "prune-1", IMAGE, "true");
        String exited = ok("inspect", "-f", "{{.Id}}", "prune-1").strip();
        String created = ok("create", "--name", "prune-2", IMAGE, "true").strip();
        String running = ok("inspect", "-f", "{{.Id}}", "box").strip();
        String pruned = ok("container", "prune", "-f");
        assertTrue(pruned.contains(exited) && pruned.contains(created), pruned);
        assertFalse(pruned.contains(running), pruned);
        assertEquals("", ok("ps", "-a", "-q", "--filter", "name=prune-").strip());
        assertEquals("running", ok("inspect", "-f", "{{.State.Status}}", "box").strip(), "the running one stays");
    }

    @Test
    void eventsReportCreateStartDieAndDestroy() throws Exception {
        long since = Instant.now().getEpochSecond() - 1;
        assertEquals(5, docker.run("run", "--rm", "--name", "evented", IMAGE, "sh", "-c", "exit 5").exitCode());
        until(Duration.ofSeconds(10), () -> docker.run("inspect", "evented").exitCode() != 0);
        String until = String.valueOf(Instant.now().getEpochSecond() + 1);
        DockerCli.Result events = docker.run("events", "--since", String.valueOf(since), "--until", until,
                "--filter", "container=evented", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}");
        assertEquals(0, events.exitCode(), events.err());
        List<String> lines = events.out().lines().filter(l -> !l.contains(" attach ")).toList();
        assertEquals(List.of("container create evented <no value>", "container start evented <no value>", "container die evented 5",
                "container destroy evented <no value>"), lines, events.out());
    }

    private static List<String> list(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> tarEntries(Path tar) throws Exception {
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(tar))) {
            List<String> names = new java.util.ArrayList<>();
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName().replaceFirst("^\\./", ""));
            }
            return names;
        }
    }
}
