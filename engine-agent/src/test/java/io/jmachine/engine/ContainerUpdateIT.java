package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker update} ({@code POST /containers/{id}/update}) as dockerd 20.10 answers it (runs against the peer
 * too): limits change in the running container's cgroup at once and show in inspect, a stopped container takes them
 * at its next start, the restart policy decides the next exit, and dockerd's 400s, 409s and 500s for the rest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerUpdateIT {

    private static final String IMAGE = "localhost/i11-update-it/busybox:1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MB = 1024 * 1024;
    /** The container's own limits, from inside, on cgroup v1 or v2: memory, pids, CFS quota and period. */
    private static final String LIMITS = "if [ -e /sys/fs/cgroup/memory.max ]; then echo $(cat /sys/fs/cgroup/memory.max) "
            + "$(cat /sys/fs/cgroup/pids.max) $(cat /sys/fs/cgroup/cpu.max); else echo $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) "
            + "$(cat /sys/fs/cgroup/pids/pids.max) $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us); fi";

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
    void aRunningContainersLimitsChangeAtOnceAndShowInInspect() throws Exception {
        String name = name("live");
        ok("run", "-d", "--name", name, "-m", "64m", "--memory-swap", "128m", IMAGE, "sleep", "300");
        ok("update", "--memory", "96m", "--memory-swap", "192m", "--memory-reservation", "32m", "--cpu-shares", "512",
                "--cpu-period", "50000", "--cpu-quota", "25000", "--pids-limit", "50", "--cpuset-cpus", "0", name);
        assertEquals(96 * MB + " " + 192 * MB + " " + 32 * MB + " 512 50000 25000 50 0", inspect(name,
                "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuShares}} "
                        + "{{.HostConfig.CpuPeriod}} {{.HostConfig.CpuQuota}} {{.HostConfig.PidsLimit}} {{.HostConfig.CpusetCpus}}"));
        assertEquals(96 * MB + " 50 25000 50000", ok("exec", name, "sh", "-c", LIMITS).trim());

        ok("update", "--pids-limit", "-1", name);
        assertTrue(ok("exec", name, "sh", "-c", LIMITS).startsWith(96 * MB + " max "), "-1 lifts the pids limit");
    }

    @Test
    void theAnswerIsDockerdsWithItsWarningsAndTheUpdateEvent() throws Exception {
        String name = name("answer");
        ok("run", "-d", "--name", name, IMAGE, "sleep", "300");
        java.time.Instant before = java.time.Instant.now();
        UnixHttp.Response plain = update(name, "{\"CpuShares\":256}");
        assertEquals(200, plain.status(), plain.text());
        assertEquals("{\"Warnings\":null}", plain.text().trim());
        String events = ok("events", "--since", before.getEpochSecond() + "." + String.format("%09d", before.getNano()),
                "--until", String.valueOf(java.time.Instant.now().getEpochSecond() + 1), "--filter", "container=" + name, "--format", "{{.Action}}");
        assertEquals("update", events.trim());

        UnixHttp.Response kernel = update(name, "{\"KernelMemory\":10485760}");
        assertEquals(200, kernel.status(), kernel.text());
        JsonNode warnings = JSON.readTree(kernel.body()).path("Warnings");
        assertEquals("Specifying a kernel memory limit is deprecated and will be removed in a future release.", warnings.path(0).asText());
    }

    @Test
    void aMemoryLimitBelowWhatTheContainerUsesIsA500AndTheOldLimitStays() throws Exception {
        String name = name("busy");
        // tmpfs pages count against the container's memory, and without swap they cannot go
        ok("run", "-d", "--name", name, "-m", "64m", "--memory-swap", "64m", IMAGE, "sh", "-c",
                "dd if=/dev/zero of=/dev/shm/fill bs=1M count=40 2>/dev/null; touch /tmp/filled; sleep 300");
        Await.until(Duration.ofSeconds(20), () -> docker.run("exec", name, "test", "-e", "/tmp/filled").exitCode() == 0);
        UnixHttp.Response refused = update(name, "{\"Memory\":16777216,\"MemorySwap\":16777216}");
        assertEquals(500, refused.status(), refused.text());
        assertTrue(message(refused).startsWith("Cannot update container " + inspect(name, "{{.Id}}") + ": "), refused.text());
        assertTrue(message(refused).contains("unable to set memory limit to 16777216"), refused.text());
        assertEquals(64 * MB + " " + 64 * MB, inspect(name, "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"));
        assertTrue(ok("exec", name, "sh", "-c", LIMITS).startsWith(64 * MB + " "));
    }

    @Test
    void whatDockerdRefusesIsRefusedWithItsStatusAndWords() throws Exception {
        String name = name("refused");
        ok("run", "-d", "--name", name, "--cpu-period", "50000", IMAGE, "sleep", "300");
        String id = inspect(name, "{{.Id}}");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"Memory\":67108864}", "409 Cannot update container " + id
                + ": Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
        cases.put("{\"NanoCpus\":500000000}", "409 Cannot update container " + id
                + ": Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set");
        cases.put("{\"Memory\":1000}", "400 Minimum memory limit allowed is 6MB");
        cases.put("{\"Memory\":67108864,\"MemorySwap\":33554432}", "400 Minimum memoryswap limit should be larger than memory limit, see usage");
        cases.put("{\"MemoryReservation\":1000}", "400 Minimum memory reservation allowed is 6MB");
        cases.put("{\"CpuQuota\":500}", "400 CPU cfs quota can not be less than 1ms (i.e. 1000)");
        cases.put("{\"CpuPeriod\":500}", "400 CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
        cases.put("{\"CpusetCpus\":\"x\"}", "400 Invalid value x for cpuset cpus: invalid format: x");
        cases.put("{\"MemorySwappiness\":200}", "400 Invalid value: 200, valid memory swappiness range is 0-100");
        cases.put("{\"RestartPolicy\":{\"Name\":\"sometimes\"}}", "400 invalid restart policy 'sometimes'");
        cases.put("{\"RestartPolicy\":{\"Name\":\"always\",\"MaximumRetryCount\":3}}",
                "400 maximum retry count cannot be used with restart policy 'always'");
        cases.put("{\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":-1}}", "400 maximum retry count cannot be negative");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            UnixHttp.Response answer = update(name, c.getKey());
            String got = answer.status() + " " + message(answer);
            if (!got.equals(c.getValue())) {
                wrong.add(c.getKey() + " -> " + got);
            }
        }
        assertEquals(List.of(), wrong);
        UnixHttp.Response unavailable = update(name, "{\"CpusetCpus\":\"0-1023\"}");
        assertEquals(400, unavailable.status());
        assertTrue(message(unavailable).startsWith("Requested CPUs are not available - requested 0-1023, available: "), unavailable.text());
        assertEquals(500, UnixHttp.request(engine.socket(), "POST", "/v1.41/containers/" + name + "/update",
                Map.of("Content-Type", "application/json"), new byte[0]).status(), "no body: dockerd's 500");
        assertEquals(404, update("i11-update-it-no-such-container", "{}").status());
        assertEquals("0 50000 no", inspect(name, "{{.HostConfig.Memory}} {{.HostConfig.CpuPeriod}} {{.HostConfig.RestartPolicy.Name}}"),
                "nothing of it was kept");
    }

    @Test
    void anAutoRemoveContainerTakesNoRestartPolicy() throws Exception {
        String name = name("autoremove");
        ok("run", "-d", "--rm", "--name", name, IMAGE, "sleep", "300");
        UnixHttp.Response refused = update(name, "{\"RestartPolicy\":{\"Name\":\"always\"}}");
        assertEquals(409, refused.status(), refused.text());
        assertTrue(message(refused).endsWith("Restart policy cannot be updated because AutoRemove is enabled for the container"),
                refused.text());
        assertEquals(200, update(name, "{\"RestartPolicy\":{\"Name\":\"no\"}}").status(), "no restart policy is fine");
    }

    @Test
    void anUpdatedRestartPolicyDecidesTheNextExit() throws Exception {
        String name = name("policy");
        ok("run", "-d", "--name", name, IMAGE, "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 3");
        ok("update", "--restart", "on-failure:2", name);
        assertEquals("on-failure 2", inspect(name, "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"));
        ok("exec", name, "touch", "/tmp/go");
        // the file lives in the container's root filesystem: each restart ends at once
        Await.until(Duration.ofSeconds(30), () -> inspect(name, "{{.State.Status}} {{.RestartCount}}").equals("exited 2"));
        assertEquals("3", inspect(name, "{{.State.ExitCode}}"));
    }

    @Test
    void aStoppedContainerTakesItsUpdateAtItsNextStart() throws Exception {
        String name = name("stopped");
        ok("create", "--name", name, "-m", "64m", "--memory-swap", "128m", IMAGE, "sleep", "300");
        ok("update", "--memory", "96m", "--memory-swap", "192m", "--pids-limit", "40", name);
        ok("start", name);
        assertEquals(96 * MB + " 40", ok("exec", name, "sh", "-c", LIMITS).trim().replaceFirst("^(\\S+ \\S+).*", "$1"));
    }

    private UnixHttp.Response update(String container, String json) throws Exception {
        return UnixHttp.json(engine.socket(), "POST", "/v1.41/containers/" + container + "/update", json);
    }

    private static String message(UnixHttp.Response answer) throws Exception {
        return JSON.readTree(answer.body()).path("message").asText();
    }

    /** A name of this class's own, apart from those of other users of the peer. */
    private String name(String name) throws Exception {
        String unique = "i11-update-it-" + name;
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
