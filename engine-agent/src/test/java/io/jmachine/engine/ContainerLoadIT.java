package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.ContainerEvents;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineProcess;
import io.jmachine.engine.testing.EngineRoots;
import io.jmachine.engine.testing.Leftovers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.jmachine.engine.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine as its own process under load: many concurrent runs, and a SIGKILL of the engine in the middle of
 * a batch, after which a restart on the same roots must find a consistent state and nothing may leak.
 */
class ContainerLoadIT {

    static final String IMAGE = "localhost/it/busybox:1";

    @TempDir
    Path dir;

    @Test
    void fiftyConcurrentRunsAllSucceedAndLeaveNothingBehind() throws Exception {
        EngineRoots roots = EngineRoots.in(dir);
        Set<String> ids = new LinkedHashSet<>();
        try {
            Instant since = Instant.now().minusSeconds(1);
            EngineProcess engine = EngineProcess.start(roots);
            try (ContainerEvents events = roots.events(since)) {
                DockerCli docker = roots.docker();
                assertEquals(0, docker.run("import", BusyboxRootfs.tar(dir).toString(), IMAGE).exitCode());

                List<DockerCli.Result> results = runAll(10, 50, i -> docker.run(null, Duration.ofSeconds(120), "run", "--rm", IMAGE, "true"),
                        Duration.ofSeconds(150));
                for (DockerCli.Result result : results) {
                    assertEquals(0, result.exitCode(), result.err());
                }
                assertEquals("", docker.run("ps", "-aq").out(), "--rm removed every container");
                until(Duration.ofSeconds(10), () -> events.all().stream().filter(e -> e.action().equals("destroy")).count() == 50);
                ids.addAll(events.containerIds());
                assertEquals(50, ids.size(), "fifty containers, each its own");
                // --rm answers once the record is gone; mounts, namespaces and monitors are freed just after
                try {
                    until(Duration.ofSeconds(15), () -> roots.leftoversBesideEngine(ids, engine.pid()).isEmpty());
                } catch (AssertionError late) {
                    assertEquals(List.of(), roots.leftoversBesideEngine(ids, engine.pid()), "nothing left while the engine runs");
                }
            } finally {
                engine.stop();
            }
            assertEquals(0, engine.log().lines().filter(l -> l.contains(" ERROR ")).count(), engine.log());
        } finally {
            roots.assertCleanAndRemoveBridge(ids);
        }
    }

    @Test
    void aKilledEngineRestartsIntoAConsistentStateAndLeaksNothing() throws Exception {
        EngineRoots roots = EngineRoots.in(dir);
        Set<String> ids = new LinkedHashSet<>();
        EngineProcess[] running = new EngineProcess[1];
        afterwards(() -> killAndRestart(roots, ids, running), () -> {
            if (running[0] != null && running[0].isAlive()) {
                ids.addAll(roots.removeAllContainers()); // only after a failure is anything left to remove
                running[0].stop();
            }
            roots.assertCleanAndRemoveBridge(ids);
        });
    }

    private void killAndRestart(EngineRoots roots, Set<String> ids, EngineProcess[] running) throws Exception {
        DockerCli docker = roots.docker();
        {
            Instant since = Instant.now().minusSeconds(1);
            EngineProcess engine = EngineProcess.start(roots);
            running[0] = engine;
            String longRunner;
            String longPid;
            try (ContainerEvents events = roots.events(since)) {
                assertEquals(0, docker.run("import", BusyboxRootfs.tar(dir).toString(), IMAGE).exitCode());
                longRunner = docker.run("run", "-d", "--name", "long", IMAGE, "sleep", "600").out().strip();
                longPid = docker.run("inspect", "-f", "{{.State.Pid}}", "long").out().strip();

                // a batch of short containers of three kinds, and the engine killed while it runs
                ExecutorService pool = Executors.newFixedThreadPool(6);
                List<Future<DockerCli.Result>> batch = new ArrayList<>();
                for (int i = 0; i < 18; i++) {
                    String name = "short-" + i;
                    List<String> args = switch (i % 3) {
                        case 0 -> List.of("run", "--rm", IMAGE, "sh", "-c", "sleep 0.3");
                        case 1 -> List.of("run", "-d", "--name", name, IMAGE, "sh", "-c", "sleep 0.3; exit 3");
                        default -> List.of("run", "--name", name, IMAGE, "sh", "-c", "exit 4");
                    };
                    batch.add(pool.submit(() -> docker.run(null, Duration.ofSeconds(60), args.toArray(String[]::new))));
                }
                until(Duration.ofSeconds(60), () -> events.all().stream().filter(e -> e.action().equals("start")).count() >= 6);
                engine.killHard();
                pool.shutdown();
                assertTrue(pool.awaitTermination(90, TimeUnit.SECONDS), "the CLI calls end once the engine is gone");
                assertFalse(batch.stream().allMatch(f -> f.state() == Future.State.SUCCESS && f.resultNow().exitCode() == 0),
                        "the kill came in the middle of the batch");
                ids.addAll(events.containerIds());
            }

            // the containers outlive the engine; the leak check sees what they hold (so it can fail)
            assertTrue(Files.exists(Path.of("/proc", longPid)), "the long runner outlived the engine");
            assertFalse(roots.leftovers(Set.of(longRunner)).isEmpty(), "a running container holds a process, mount and namespace");

            Instant restarted = Instant.now().minusSeconds(1);
            engine = EngineProcess.start(roots);
            running[0] = engine;
            try (ContainerEvents events = roots.events(restarted)) {
                assertEquals("running " + longPid, docker.run("inspect", "-f", "{{.State.Status}} {{.State.Pid}}", "long").out().strip());
                assertEquals("alive\n", docker.run("exec", "long", "echo", "alive").out());

                List<String> records = docker.run("ps", "-aq", "--no-trunc").out().lines().toList();
                ids.addAll(records);
                for (String id : records) {
                    assertConsistent(docker, id);
                }

                DockerCli.Result stopped = docker.run("stop", "-t", "1", "long");
                assertEquals(0, stopped.exitCode(), stopped.err());
                assertEquals("exited", docker.run("inspect", "-f", "{{.State.Status}}", "long").out().strip());
                assertEquals(records.size(), roots.removeAllContainers().size(), "docker rm -f $(docker ps -aq)");
                assertEquals("", docker.run("ps", "-aq").out());
                ids.addAll(events.containerIds());
            }
        }
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** Runs {@code body}, then {@code cleanup} whatever happened; a cleanup failure does not hide the body's. */
    private static void afterwards(Step body, Step cleanup) throws Exception {
        try {
            body.run();
        } catch (Exception | AssertionError failure) {
            try {
                cleanup.run();
            } catch (Exception | AssertionError alsoFailed) {
                failure.addSuppressed(alsoFailed);
            }
            throw failure;
        }
        cleanup.run();
    }

    /** Running with a live process, or exited (or never started) with no process left in its cgroup. */
    private static void assertConsistent(DockerCli docker, String id) throws Exception {
        String state = docker.run("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}} {{.Name}}", id).out().strip();
        String[] parts = state.split(" ");
        switch (parts[0]) {
            case "running" -> assertTrue(Files.exists(Path.of("/proc", parts[2])), "a running record has its process: " + state);
            case "exited", "created" -> {
                assertEquals("0", parts[2], state);
                assertEquals(List.of(), Leftovers.containerProcesses(Set.of(id)), "a stopped record has no process: " + state);
            }
            default -> throw new AssertionError("after a restart a container is running, exited or created, not " + state);
        }
        if (parts[0].equals("exited")) {
            assertTrue(Set.of("0", "3", "4", "137", "143", "255").contains(parts[1]), "an exit code of the command or a kill: " + state);
        }
    }

    @FunctionalInterface
    interface Task<T> {
        T run(int index) throws Exception;
    }

    /** {@code count} tasks on {@code threads} threads, all within {@code timeout}. */
    private static <T> List<T> runAll(int threads, int count, Task<T> task, Duration timeout) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<T>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                calls.add(() -> task.run(index));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(calls, timeout.toSeconds(), TimeUnit.SECONDS)) {
                assertFalse(future.isCancelled(), "not all runs finished within " + timeout.toSeconds() + " s");
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
