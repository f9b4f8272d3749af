package io.jmachine.engine.monitor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conmon and runc for real, on busybox bundles: containers that outlive the monitor object that made them. */
class ContainerMonitorIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path shared;
    private static BusyboxBundles bundles;

    @TempDir
    Path dir;
    private ContainerMonitor monitor;
    private final List<String> created = new ArrayList<>();
    private final List<Path> bundlesUsed = new ArrayList<>();

    @BeforeAll
    static void rootfs() throws Exception {
        bundles = new BusyboxBundles(shared);
    }

    @BeforeEach
    void newMonitor() {
        monitor = newInstance();
    }

    /** As a restarted engine makes it: same folders, no memory of the old instance. */
    private ContainerMonitor newInstance() {
        return new ContainerMonitor(dir.resolve("state"), BusyboxBundles.CONMON, BusyboxBundles.RUNC, dir.resolve("runc"));
    }

    @AfterEach
    void cleanUpAndCheckNothingLeaks() throws Exception {
        for (String id : created) {
            monitor.cleanup(id);
        }
        assertNothingLeft();
    }

    private void assertNothingLeft() throws Exception {
        for (String id : created) {
            assertFalse(Files.exists(dir.resolve("state").resolve(id)), "monitor state of " + id + " removed");
        }
        for (Path bundle : bundlesUsed) {
            for (String name : List.of("attach", "ctl", "winsz")) {
                assertFalse(Files.exists(bundle.resolve(name)), name + " removed from " + bundle);
            }
        }
        assertEquals("", BusyboxBundles.run(List.of(BusyboxBundles.RUNC.toString(), "--root", dir.resolve("runc").toString(), "list", "-q")).trim(),
                "no runtime state left");
        assertEquals(List.of(), liveConmons(), "no conmon left running");
    }

    /** conmon processes (not zombies) working for this test's state folder. */
    private List<String> liveConmons() throws IOException {
        String marker = dir.resolve("state").toString();
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                    String stat = Files.readString(proc.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    if (cmdline.contains("conmon") && cmdline.contains(marker) && !zombie) {
                        found.add(proc.getFileName() + ": " + cmdline);
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }

    private String create(boolean terminal, boolean stdin, String... args) throws Exception {
        String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path bundle = bundles.bundle(terminal, args);
        created.add(id);
        bundlesUsed.add(bundle);
        monitor.create(new MonitorRequest(id, bundle, dir.resolve("logs").resolve(id + ".log"), terminal, stdin, true));
        return id;
    }

    private String run(String... args) throws Exception {
        String id = create(false, false, args);
        monitor.start(id);
        return id;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String text(List<LogLine> lines) {
        return String.join("\n", lines.stream().map(LogLine::text).toList());
    }

    /** Reads frames until {@code done} holds for what was read from the chosen source, or the stream ends. */
    private static String readUntil(AttachStream stream, OutputSource source, Predicate<String> done) throws Exception {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.test(seen.toString())) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative()) {
                throw new TimeoutException("waited for more than " + seen);
            }
            Optional<AttachStream.Frame> frame;
            try {
                frame = stream.read(left);
            } catch (TimeoutException e) {
                throw new TimeoutException("waited for more than: " + seen);
            }
            if (frame.isEmpty()) {
                break;
            }
            if (frame.get().source() == source) {
                seen.append(new String(frame.get().data(), StandardCharsets.UTF_8));
            }
        }
        return seen.toString();
    }

    @Test
    void echoHelloIsLoggedOnStdoutAndExitsZero() throws Exception {
        String id = run("echo", "hello");

        assertEquals(Optional.of(0), monitor.awaitExit(id, WAIT));
        List<LogLine> lines = monitor.log(id).read(LogQuery.all());
        assertEquals(1, lines.size(), lines.toString());
        assertEquals("hello", lines.get(0).text());
        assertEquals(OutputSource.STDOUT, lines.get(0).source());
        assertFalse(monitor.running(id));
    }

    @Test
    void stdoutAndStderrStayApartAndTheExitCodeIsKept() throws Exception {
        String id = run("sh", "-c", "echo out; echo err >&2; sleep 0.2; echo one; echo two; exit 3");

        assertEquals(Optional.of(3), monitor.awaitExit(id, WAIT));
        assertEquals(Optional.of(3), newInstance().exitCode(id));
        ContainerLog log = monitor.log(id);
        assertEquals("out\none\ntwo", text(log.read(LogQuery.all().withStreams(true, false))));
        assertEquals("err", text(log.read(LogQuery.all().withStreams(false, true))));
        assertEquals("two", text(log.read(LogQuery.all().withTail(1))), "docker logs --tail 1 gives exactly one line");
    }

    @Test
    void aMissingBinaryFailsCreateWithTheRuntimesMessage() throws Exception {
        RuntimeFailureException failure = assertThrows(RuntimeFailureException.class, () -> create(false, false, "/no/such/binary"));

        assertTrue(failure.runtimeMessage().contains("exec: \"/no/such/binary\": stat /no/such/binary: no such file or directory"),
                failure.getMessage());
        assertTrue(failure.getMessage().startsWith("OCI runtime create failed: "), failure.getMessage());
        assertFalse(Files.exists(dir.resolve("state").resolve(created.get(0))), "a failed create leaves no state");
    }

    @Test
    void attachingToATickingContainerGetsLiveOutputAndTheLogHasWhatCameBefore() throws Exception {
        String id = run("sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done");
        Thread.sleep(700);

        try (AttachStream stream = monitor.attach(id)) {
            String live = readUntil(stream, OutputSource.STDOUT, seen -> seen.lines().count() >= 3);
            assertFalse(live.contains("tick 0\n"), "attach shows output from now on: " + live);
            assertTrue(live.matches("(?s)tick \\d+\ntick \\d+\ntick \\d+\n.*"), live);
        }
        assertTrue(text(monitor.log(id).read(LogQuery.all())).startsWith("tick 0\ntick 1"), "the log has the output from before attaching");
        assertTrue(monitor.running(id));
    }

    @Test
    void stdinWrittenThroughAttachReachesCat() throws Exception {
        String id = create(false, true, "cat");
        try (AttachStream stream = monitor.attach(id)) {
            monitor.start(id);
            stream.write("hello cat\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("hello cat\n", readUntil(stream, OutputSource.STDOUT, seen -> seen.endsWith("\n")));
            stream.write("bye\n".getBytes(StandardCharsets.UTF_8));
            stream.closeStdin();
            assertEquals("bye\n", readUntil(stream, OutputSource.STDOUT, seen -> false), "output up to the end");
        }
        assertEquals(Optional.of(0), monitor.awaitExit(id, WAIT), "cat ends when stdin is closed");
        assertEquals("hello cat\nbye", text(monitor.log(id).read(LogQuery.all())));
    }

    @Test
    void attachWorksWhereTheBundlePathIsTooLongForAUnixSocket() throws Exception {
        Path deep = shared.resolve("a-folder-name-of-fifty-characters-to-make-it-long-".repeat(3));
        Path bundle = bundles.bundleIn(deep, false, "cat");
        assertTrue(bundle.resolve("attach").toString().length() > 108, "longer than sun_path");
        String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        created.add(id);
        bundlesUsed.add(bundle);
        monitor.create(new MonitorRequest(id, bundle, dir.resolve("logs").resolve(id + ".log"), false, true, true));

        try (AttachStream stream = monitor.attach(id)) {
            monitor.start(id);
            stream.write("deep\n".getBytes(StandardCharsets.UTF_8));
            stream.closeStdin();
            assertEquals("deep\n", readUntil(stream, OutputSource.STDOUT, seen -> false));
        }
        assertEquals(Optional.of(0), monitor.awaitExit(id, WAIT));
    }

    @Test
    void aTtyContainerGivesRawOutputAndFollowsResizes() throws Exception {
        // conmon applies a resize asynchronously (ctl FIFO, then winsz FIFO, then TIOCSWINSZ): the
        // container waits for each size rather than racing it
        String id = create(true, false, "sh", "-c", "tty; until [ \"$(stty size 2>/dev/null)\" = '30 90' ]; do sleep 0.05; done; "
                + "echo now 30 90; until [ \"$(stty size)\" = '40 100' ]; do sleep 0.05; done; echo now 40 100");
        try (AttachStream stream = monitor.attach(id)) {
            assertTrue(stream.terminal());
            monitor.start(id);
            monitor.resize(id, 30, 90);
            String first = readUntil(stream, OutputSource.STDOUT, seen -> seen.contains("now 30 90\r\n"));
            assertTrue(first.matches("(?s)/dev/pts/\\d+\r\nnow 30 90\r\n"), "raw TTY output, CRLF and all: " + first);
            monitor.resize(id, 40, 100);
            assertTrue(readUntil(stream, OutputSource.STDOUT, seen -> seen.contains("now 40 100")).contains("now 40 100"));
        }
        assertEquals(Optional.of(0), monitor.awaitExit(id, WAIT));
    }

    @Test
    void execRunsInTheContainerWithItsOwnStreamsAndExitCode() throws Exception {
        String id = run("sleep", "1000");

        ExecSession exec = monitor.exec(id, "e1", ExecRequest.of("sh", "-c", "echo from exec; echo to err >&2; exit 5"));
        try (AttachStream stream = exec.stream()) {
            List<AttachStream.Frame> frames = new ArrayList<>();
            for (Optional<AttachStream.Frame> frame = stream.read(WAIT); frame.isPresent(); frame = stream.read(WAIT)) {
                frames.add(frame.get());
            }
            assertEquals("from exec\n", frames.stream().filter(f -> f.source() == OutputSource.STDOUT)
                    .map(f -> new String(f.data(), StandardCharsets.UTF_8)).reduce("", String::concat));
            assertEquals("to err\n", frames.stream().filter(f -> f.source() == OutputSource.STDERR)
                    .map(f -> new String(f.data(), StandardCharsets.UTF_8)).reduce("", String::concat));
        }
        assertEquals(Optional.of(5), exec.awaitExit(WAIT));
        assertTrue(monitor.running(id), "the container runs on");
        assertEquals("", text(monitor.log(id).read(LogQuery.all())), "exec output is not the container's log");
    }

    @Test
    void anExecWithATtyAndStdinAndTheContainersEnvironment() throws Exception {
        String id = run("sleep", "1000");

        ExecSession exec = monitor.exec(id, "tty", ExecRequest.of("sh", "-c", "tty; echo $PATH $EXTRA; read x; echo got $x")
                .withTty(true).withStdin(true).withEnv(List.of("EXTRA=yes")).withConsoleSize(new ExecRequest.ConsoleSize(24, 80)));
        try (AttachStream stream = exec.stream()) {
            String out = readUntil(stream, OutputSource.STDOUT, seen -> seen.contains("yes\r\n"));
            assertTrue(out.matches("(?s)/dev/pts/\\d+\r\n/usr/local/sbin:\\S+ yes\r\n"), out);
            stream.write("abc\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(readUntil(stream, OutputSource.STDOUT, seen -> seen.contains("got abc")).contains("got abc"));
        }
        assertEquals(Optional.of(0), exec.awaitExit(WAIT));
    }

    @Test
    void anExecOfAMissingBinaryFailsWithTheRuntimesMessage() throws Exception {
        String id = run("sleep", "1000");

        RuntimeFailureException failure = assertThrows(RuntimeFailureException.class,
                () -> monitor.exec(id, "missing", ExecRequest.of("/no/such/binary")));
        assertTrue(failure.runtimeMessage().contains("\"/no/such/binary\": stat /no/such/binary: no such file or directory"),
                failure.getMessage());
        assertEquals(List.of(), monitor.execs(id), "a failed exec leaves no state");
    }

    @Test
    void aContainerOutlivesItsMonitorObjectAndANewOnePicksItUp() throws Exception {
        String id = run("sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done");
        long pid = monitor.pid(id);
        monitor = null; // the engine is gone; conmon is not

        ContainerMonitor restarted = newInstance();
        monitor = restarted;
        assertEquals(List.of(id), restarted.containers());
        assertTrue(restarted.running(id));
        assertEquals(pid, restarted.pid(id));
        try (AttachStream stream = restarted.attach(id)) {
            assertTrue(readUntil(stream, OutputSource.STDOUT, seen -> seen.contains("tick")).contains("tick"));
        }
        ExecSession exec = restarted.exec(id, "after-restart", ExecRequest.of("sh", "-c", "exit 7"));
        exec.stream().close();
        assertEquals(Optional.of(7), exec.awaitExit(WAIT));
        assertEquals(Optional.of(7), newInstance().execExitCode(id, "after-restart"));

        restarted.kill(id, "SIGKILL");
        assertEquals(Optional.of(137), restarted.awaitExit(id, WAIT));
        assertTrue(text(restarted.log(id).read(LogQuery.all())).startsWith("tick 0"));
    }

    @Test
    void aContainerSurvivesKillMinus9OfTheEnginesJvm() throws Exception {
        String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Path bundle = bundles.bundle(false, "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done");
        created.add(id);
        bundlesUsed.add(bundle);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process engine = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), MonitorInAnotherJvm.class.getName(),
                dir.resolve("state").toString(), dir.resolve("runc").toString(), id, bundle.toString(),
                dir.resolve("logs").resolve(id + ".log").toString())
                .redirectError(dir.resolve("engine.err").toFile()).start();
        try {
            String said = new java.io.BufferedReader(new java.io.InputStreamReader(engine.getInputStream())).readLine();
            assertEquals("ready", said, () -> readQuietly(dir.resolve("engine.err")));
        } finally {
            engine.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing closed
            engine.waitFor();
        }

        ContainerMonitor restarted = newInstance();
        assertTrue(restarted.running(id));
        int before = restarted.log(id).read(LogQuery.all()).size();
        try (AttachStream stream = restarted.attach(id)) {
            assertTrue(readUntil(stream, OutputSource.STDOUT, seen -> seen.lines().count() >= 3).contains("tick"));
        }
        assertTrue(restarted.log(id).read(LogQuery.all()).size() > before, "conmon goes on logging without the engine");
        restarted.kill(id, "SIGKILL");
        assertEquals(Optional.of(137), restarted.awaitExit(id, WAIT));
    }

    @Test
    void followingTheLogGivesNewLinesAndEndsWhenTheContainerExits() throws Exception {
        String id = run("sh", "-c", "for i in 1 2 3 4 5; do echo line $i; sleep 0.2; done; printf 'no newline'");

        List<String> followed = new ArrayList<>();
        monitor.log(id).follow(LogQuery.all().withTail(1), line -> followed.add(line.text() + (line.complete() ? "" : "|")));

        assertTrue(monitor.exitCode(id).isPresent(), "follow ended because the container exited");
        assertEquals("no newline|", followed.get(followed.size() - 1));
        assertEquals(List.of("line 4", "line 5"), followed.subList(followed.size() - 3, followed.size() - 1));
        assertTrue(followed.size() <= 6, "tail 1 gave at most one line from before: " + followed);
    }

    @Test
    void killMinus9OfTheContainerProcessLeavesAnExitCode() throws Exception {
        String id = run("sleep", "1000");

        ProcessHandle.of(monitor.pid(id)).orElseThrow().destroyForcibly();

        assertEquals(Optional.of(137), monitor.awaitExit(id, WAIT));
    }

    @Test
    void cleanupOfARunningContainerStopsItAndLeavesNothing() throws Exception {
        String id = run("sleep", "1000");
        ExecSession exec = monitor.exec(id, "long", ExecRequest.of("sleep", "1000"));
        exec.stream().close();
        assertFalse(liveConmons().isEmpty());

        monitor.cleanup(id);
        created.remove(id);
        created.add(id); // checked by the common teardown, which cleans up again (a no-op)
        assertNothingLeft();
    }

    @Test
    void aStartedContainerIsRunningToTheRuntimeAndASecondStartIsRefused() throws Exception {
        String id = run("sleep", "1000");

        String state = BusyboxBundles.run(List.of(BusyboxBundles.RUNC.toString(), "--root", dir.resolve("runc").toString(), "state", id));
        assertTrue(state.contains("\"status\": \"running\""), state);
        assertFalse(Files.exists(dir.resolve("runc").resolve(id).resolve("exec.fifo")), "the start took the fifo away, as runc's");
        RuntimeFailureException again = assertThrows(RuntimeFailureException.class, () -> monitor.start(id));
        assertTrue(again.runtimeMessage().contains("already running"), again.getMessage());
    }

    @Test
    void aCreatedContainerWhoseInitDiedFailsToStartRatherThanWaiting() throws Exception {
        String id = create(false, false, "true");
        ProcessHandle init = ProcessHandle.of(monitor.pid(id)).orElseThrow();
        init.destroyForcibly();
        init.onExit().get();

        RuntimeFailureException failure = assertThrows(RuntimeFailureException.class, () -> monitor.start(id));
        assertTrue(failure.runtimeMessage().contains("dead"), failure.getMessage());
    }

    @Test
    void awaitExitTimesOutOnARunningContainer() throws Exception {
        String id = run("sleep", "1000");

        long started = System.nanoTime();
        assertEquals(Optional.empty(), monitor.awaitExit(id, Duration.ofMillis(300)));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300);
        assertEquals(Optional.empty(), monitor.exitCode(id));
    }
}
