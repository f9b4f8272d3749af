package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.testing.Await;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineRoots;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HEALTHCHECK at run time through the real docker CLI: --health-* flags and an image's HEALTHCHECK, the
 * starting → unhealthy → healthy verdicts in inspect, ps and events, --filter health=, --no-healthcheck,
 * probe timeouts, and health kept across an engine restart. Probes run every second; waits are generous.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthCheckIT {

    private static final String IMAGE = "localhost/it/health-busybox:1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private EngineRoots roots;
    private Engine engine;
    private DockerCli docker;
    private final Set<String> containerIds = new LinkedHashSet<>();

    @BeforeAll
    void start() throws Exception {
        roots = EngineRoots.in(dir);
        engine = Engine.start(ConfigLoader.load(roots.config(), null));
        Map<String, String> env = new HashMap<>(roots.docker().env());
        env.put("DOCKER_BUILDKIT", "0");
        docker = new DockerCli(env);
        ok("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine == null) {
            return;
        }
        try {
            containerIds.addAll(roots.removeAllContainers());
        } finally {
            engine.close();
        }
        roots.assertCleanAndRemoveBridge(containerIds);
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out();
    }

    private String runDetached(String... args) throws Exception {
        String id = ok(args).strip();
        containerIds.add(id);
        return id;
    }

    private String inspect(String name, String format) throws Exception {
        return ok("inspect", "-f", format, name).strip();
    }

    private JsonNode health(String name) throws Exception {
        return JSON.readTree(inspect(name, "{{json .State.Health}}"));
    }

    private String psStatus(String name) throws Exception {
        return ok("ps", "-a", "--format", "{{.Names}}\t{{.Status}}").lines().filter(l -> l.startsWith(name + "\t"))
                .map(l -> l.substring(name.length() + 1)).findFirst().orElse("(not listed)");
    }

    private List<String> psNames(String... filter) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("ps", "-a", "--format", "{{.Names}}"));
        for (String f : filter) {
            args.addAll(List.of("--filter", f));
        }
        return ok(args.toArray(String[]::new)).lines().map(String::strip).filter(l -> !l.isEmpty()).sorted().toList();
    }

    private void awaitStatus(String name, String status) throws Exception {
        Await.until(WAIT, () -> status.equals(health(name).path("Status").asText()));
    }

    private int execFolders(String id) throws Exception {
        Path execs = roots.execRoot().resolve("monitor").resolve(id).resolve("exec");
        if (!Files.isDirectory(execs)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(execs)) {
            return (int) list.count();
        }
    }

    @Test
    void flagsTakeAContainerFromStartingToUnhealthyToHealthyAndTheVerdictSurvivesAnEngineRestart() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        String id = runDetached("run", "-d", "--name", "probed", "--health-cmd", "test -e /tmp/ok", "--health-interval", "1s",
                "--health-retries", "2", IMAGE, "sleep", "300");
        assertTrue(psStatus("probed").matches("Up .* \\(health: starting\\)"), psStatus("probed"));
        assertEquals("{\"Test\":[\"CMD-SHELL\",\"test -e /tmp/ok\"],\"Interval\":1000000000,\"Retries\":2}",
                inspect("probed", "{{json .Config.Healthcheck}}"));

        awaitStatus("probed", "unhealthy");
        assertTrue(psStatus("probed").matches("Up .* \\(unhealthy\\)"), psStatus("probed"));
        assertEquals(List.of("probed"), psNames("health=unhealthy"));
        JsonNode unhealthy = health("probed");
        assertTrue(unhealthy.path("FailingStreak").asInt() >= 2, unhealthy.toString());
        assertEquals(1, unhealthy.path("Log").get(0).path("ExitCode").asInt());

        ok("exec", "probed", "touch", "/tmp/ok");
        awaitStatus("probed", "healthy");
        assertTrue(psStatus("probed").matches("Up .* \\(healthy\\)"), psStatus("probed"));
        assertEquals(List.of("probed"), psNames("health=healthy"));
        JsonNode healthy = health("probed");
        assertEquals(0, healthy.path("FailingStreak").asInt());
        JsonNode log = healthy.path("Log");
        assertTrue(log.size() >= 3 && log.size() <= 5, log.toString());
        JsonNode last = log.get(log.size() - 1);
        assertEquals(0, last.path("ExitCode").asInt());
        assertTrue(Instant.parse(last.path("End").asText()).isAfter(Instant.parse(last.path("Start").asText()).minusNanos(1)));

        // let more probes run than the log keeps: none leaves an exec behind (the one `docker exec` may stay)
        Await.until(WAIT, () -> !health("probed").path("Log").get(0).equals(log.get(0)));
        assertTrue(execFolders(id) <= 2, "probe execs are removed; found " + execFolders(id));

        String events = ok("events", "--since", String.valueOf(since.getEpochSecond()), "--until", String.valueOf(Instant.now().getEpochSecond() + 1),
                "--filter", "container=probed", "--format", "{{.Action}}");
        assertTrue(events.contains("health_status: unhealthy\n") && events.contains("health_status: healthy\n"), events);
        assertTrue(events.indexOf("health_status: unhealthy") < events.indexOf("health_status: healthy"), events);
        assertTrue(events.contains("exec_create: /bin/sh -c test -e /tmp/ok") && events.contains("exec_die"), events);

        // the record keeps the verdict; the restarted engine shows it and probes on
        engine.close();
        engine = Engine.start(ConfigLoader.load(roots.config(), null));
        JsonNode afterRestart = health("probed");
        assertEquals("healthy", afterRestart.path("Status").asText());
        String lastStart = afterRestart.path("Log").get(afterRestart.path("Log").size() - 1).path("Start").asText();
        Await.until(WAIT, () -> {
            JsonNode entries = health("probed").path("Log");
            return !entries.get(entries.size() - 1).path("Start").asText().equals(lastStart);
        });
        assertEquals("healthy", health("probed").path("Status").asText());

        // a stopped container reads unhealthy, as dockerd has it, and ps shows no verdict
        ok("stop", "-t", "0", "probed");
        assertEquals("unhealthy", health("probed").path("Status").asText());
        assertTrue(psStatus("probed").startsWith("Exited ("), psStatus("probed"));
        assertEquals(List.of("probed"), psNames("health=unhealthy"));
        ok("rm", "probed");
    }

    @Test
    void anImagesHealthcheckAppliesWithoutFlagsAndNoHealthcheckTurnsItOff() throws Exception {
        Path context = Files.createDirectories(dir.resolve("hc-context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + IMAGE + "\nHEALTHCHECK --interval=1s --retries=1 CMD [\"true\"]\n"
                + "CMD [\"sleep\", \"300\"]\n");
        ok("build", "-q", "-t", "localhost/it/healthy:1", context.toString());

        runDetached("run", "-d", "--name", "from-image", "localhost/it/healthy:1");
        runDetached("run", "-d", "--name", "switched-off", "--no-healthcheck", "localhost/it/healthy:1");
        runDetached("run", "-d", "--name", "unchecked", IMAGE, "sleep", "300");
        awaitStatus("from-image", "healthy");
        assertEquals("[\"CMD\",\"true\"]", inspect("from-image", "{{json .Config.Healthcheck.Test}}"));

        assertEquals("null", inspect("switched-off", "{{json .State.Health}}"));
        assertEquals("[\"NONE\"]", inspect("switched-off", "{{json .Config.Healthcheck.Test}}"));
        assertTrue(psStatus("switched-off").matches("Up [^(]*"), psStatus("switched-off"));
        assertEquals(List.of("switched-off", "unchecked"), psNames("health=none"));
        assertEquals(List.of("from-image"), psNames("health=healthy"));
        assertEquals(List.of(), psNames("health=starting"));

        DockerCli.Result bogus = docker.run("ps", "--filter", "health=bogus");
        assertNotEquals(0, bogus.exitCode());
        assertTrue(bogus.err().contains("invalid filter 'health=bogus'"), bogus.err());
        ok("rm", "-f", "from-image", "switched-off", "unchecked");
    }

    @Test
    void aProbePastItsTimeoutIsKilledAndFailsAndUnhealthyContainersAreNotRestarted() throws Exception {
        String id = runDetached("run", "-d", "--name", "slow", "--restart", "always", "--health-cmd", "sleep 30",
                "--health-interval", "1s", "--health-timeout", "1s", "--health-retries", "1", IMAGE, "sleep", "300");
        awaitStatus("slow", "unhealthy");
        JsonNode first = health("slow").path("Log").get(0);
        assertEquals(-1, first.path("ExitCode").asInt());
        assertEquals("Health check exceeded timeout (1s)", first.path("Output").asText());
        Await.until(WAIT, () -> health("slow").path("Log").size() >= 3);
        String sleeping = ok("exec", "slow", "sh", "-c", "ps -o args | grep -c '^sleep 30' || true").strip();
        assertTrue(Integer.parseInt(sleeping) <= 1, "timed-out probes are killed, at most the current one runs: " + sleeping);
        assertTrue(execFolders(id) <= 2, "found " + execFolders(id));
        assertEquals("running 0", inspect("slow", "{{.State.Status}} {{.RestartCount}}"), "health does not restart a container");
        ok("rm", "-f", "slow");
    }
}
