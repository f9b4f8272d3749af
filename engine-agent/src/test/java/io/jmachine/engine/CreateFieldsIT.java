package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What clients send at create, honoured as dockerd 20.10 honours it or refused as it refuses it: the log driver
 * (json-file by default, none keeps no logs, an unknown one is a 400), HostConfig's defaults in inspect, GroupAdd,
 * Config.MacAddress, legacy link variables, OomScoreAdj, Domainname, CgroupnsMode, DeviceCgroupRules,
 * NetworkDisabled, the warnings of what the host cannot apply, and docker diff. Runs against the peer dockerd too
 * ({@code -Djmachine.peer.host=unix:///run/jm-peer/docker.sock}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreateFieldsIT {

    private static final String IMAGE = "localhost/createfields-it/busybox:1";
    private static final String API = "/v1.41";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private EngineUnderTest engine;
    private DockerCli docker;
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", "-c", "ENV FROM_IMAGE=1", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
    }

    @AfterEach
    void removeContainers() throws Exception {
        // only this test's containers: the peer dockerd is shared with other users
        for (String name : containers) {
            docker.run("rm", "-f", "-v", name);
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
    void aContainerCreatedWithoutHostConfigHasDockerdsLogConfigAndDefaults() throws Exception {
        String name = name("bare");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"]}");
        JsonNode host = inspect(name).get("HostConfig");
        assertEquals(JSON.readTree("{\"Type\":\"json-file\",\"Config\":{}}"), host.get("LogConfig"));
        assertEquals(JSON.readTree("{\"Name\":\"\",\"MaximumRetryCount\":0}"), host.get("RestartPolicy"));
        assertEquals("private", host.get("IpcMode").asText());
        assertEquals(64L * 1024 * 1024, host.get("ShmSize").asLong());
        assertEquals(JSON.readTree("[0,0]"), host.get("ConsoleSize"));
        assertTrue(host.get("MaskedPaths").isArray() && host.get("MaskedPaths").size() > 0, host.toString());
        assertTrue(host.get("ReadonlyPaths").isArray() && host.get("ReadonlyPaths").size() > 0, host.toString());
        assertTrue(host.get("OomKillDisable").isBoolean(), host.toString());
    }

    @Test
    void inspectHostConfigHasEveryFieldDockerdShowsWithItsDefaults() throws Exception {
        String name = name("fields");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"NetworkMode\":\"default\"}}");
        JsonNode host = inspect(name).get("HostConfig");
        assertEquals("runc", host.get("Runtime").asText());
        // a cgroup v1 host (this one): the host's cgroup namespace, as dockerd 20.10
        assertEquals(Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "private" : "host", host.get("CgroupnsMode").asText());
        assertEquals("", host.get("Isolation").asText());
        assertEquals("", host.get("VolumeDriver").asText());
        assertTrue(host.get("DeviceCgroupRules").isNull(), host.toString());
        assertTrue(host.get("MemorySwappiness").isNull(), host.toString());
        assertTrue(host.get("PidsLimit").isNull(), host.toString());
        assertEquals(0, host.get("CpuRealtimePeriod").asLong());
        assertEquals(0, host.get("CpuRealtimeRuntime").asLong());
        assertEquals(0, host.get("BlkioWeight").asLong());
        assertTrue(host.get("GroupAdd").isNull(), host.toString());
        for (String field : List.of("ContainerIDFile", "Cgroup", "UsernsMode", "CgroupParent", "CpusetMems", "PidMode", "UTSMode")) {
            assertEquals("", host.get(field).asText(), field);
        }
    }

    @Test
    void listsAreShownAsTheClientSentThemNullOrEmpty() throws Exception {
        String name = name("lists");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"Dns\":[],\"CapAdd\":null,\"Ulimits\":[]}}");
        JsonNode host = inspect(name).get("HostConfig");
        assertEquals(JSON.readTree("[]"), host.get("Dns"));
        assertTrue(host.get("CapAdd").isNull(), host.toString());
        assertEquals(JSON.readTree("[]"), host.get("Ulimits"));
        assertTrue(host.get("Binds").isNull(), host.toString());
    }

    @Test
    void anEmptyLogTypeIsJsonFileAndKeepsItsOptions() throws Exception {
        String name = name("emptylog");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"LogConfig\":{\"Type\":\"\",\"Config\":{\"max-file\":\"100\"}}}}");
        assertEquals(JSON.readTree("{\"Type\":\"json-file\",\"Config\":{\"max-file\":\"100\"}}"), inspect(name).get("HostConfig").get("LogConfig"));
        String nullConfig = name("nullconfig");
        create(nullConfig, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":null}}}");
        assertEquals(JSON.readTree("{}"), inspect(nullConfig).get("HostConfig").get("LogConfig").get("Config"));
    }

    @Test
    void anUnknownLogDriverIsA400AtCreateInDockerdsWords() throws Exception {
        UnixHttp.Response response = post("/containers/create?name=" + name("asdf"),
                "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"LogConfig\":{\"Type\":\"asdf\",\"Config\":{}}}}");
        assertEquals(400, response.status(), response.text());
        assertEquals("error looking up logging plugin asdf: plugin \"asdf\" not found", message(response));
    }

    @Test
    void anUnknownJsonFileOptionIsA400AtCreate() throws Exception {
        UnixHttp.Response response = post("/containers/create?name=" + name("badopt"),
                "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"foo\":\"1\"}}}}");
        assertEquals(400, response.status(), response.text());
        assertEquals("unknown log opt 'foo' for json-file log driver", message(response));
    }

    @Test
    void theNoneLogDriverKeepsNoLogsButAttachedClientsStillSeeTheOutput() throws Exception {
        String name = name("nolog");
        DockerCli.Result run = docker.run("run", "--name", name, "--log-driver", "none", IMAGE, "echo", "attached-output");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("attached-output", run.out().trim());
        UnixHttp.Response logs = UnixHttp.request(engine.socket(), "GET", API + "/containers/" + name + "/logs?stdout=1", java.util.Map.of(), null);
        assertEquals(501, logs.status(), logs.text());
        assertEquals("configured logging driver does not support reading", message(logs));
        assertEquals("", inspect(name).get("LogPath").asText());
    }

    @Test
    void maxSizeKeepsTheLogWithinItsSize() throws Exception {
        String name = name("maxsize");
        // 2,000 lines of 100 bytes: 200 kB through a 10 kB log
        DockerCli.Result run = docker.run("run", "--name", name, "--log-opt", "max-size=10k", "--log-opt", "max-file=1", IMAGE, "sh", "-c",
                "i=0; while [ $i -lt 2000 ]; do printf '%099d\\n' $i; i=$((i+1)); done");
        assertEquals(0, run.exitCode(), run.err());
        String logs = ok("logs", name);
        assertTrue(logs.length() > 0 && logs.length() <= 10 * 1024 + 100, "logs of " + logs.length() + " bytes");
        assertTrue(logs.endsWith(String.format("%099d\n", 1999)), "the newest line is kept");
    }

    @Test
    void groupAddGivesTheProcessSupplementaryGroupsByNumberAndName() throws Exception {
        String out = ok("run", "--name", name("groups"), "--group-add", "1000", "--group-add", "1001", "--group-add", "nogroup", IMAGE, "id", "-G");
        Set<String> groups = new TreeSet<>(List.of(out.trim().split(" ")));
        assertTrue(groups.containsAll(List.of("1000", "1001", "65534")), "groups: " + groups);
    }

    @Test
    void oomScoreAdjDomainnameAndAPrivateCgroupNamespaceReachTheProcess() throws Exception {
        String out = ok("run", "--name", name("process"), "--oom-score-adj", "500", "--domainname", "example.test", "--cgroupns", "private",
                IMAGE, "sh", "-c", "cat /proc/self/oom_score_adj; cat /proc/sys/kernel/domainname; readlink /proc/self/ns/cgroup");
        List<String> lines = out.lines().toList();
        assertEquals("500", lines.get(0));
        assertEquals("example.test", lines.get(1));
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/cgroup")).toString(), lines.get(2), "a cgroup namespace of its own");
    }

    @Test
    void aDeviceCgroupRuleLetsTheContainerOpenThatDevice() throws Exception {
        // 7:200 is a loop device that does not exist: allowed, the driver answers (ENXIO or EOPNOTSUPP); denied, the cgroup (EPERM)
        String script = "mknod /tmp/dev c 7 200 && cat /tmp/dev 2>&1; true";
        String allowed = ok("run", "--name", name("rule"), "--device-cgroup-rule", "c 7:200 rwm", IMAGE, "sh", "-c", script);
        String denied = ok("run", "--name", name("norule"), IMAGE, "sh", "-c", script);
        assertTrue(allowed.contains("can't open") && !allowed.contains("Operation not permitted"), allowed);
        assertTrue(denied.contains("Operation not permitted"), denied);
        assertEquals(JSON.readTree("[\"c 7:200 rwm\"]"), inspect(name("rule")).get("HostConfig").get("DeviceCgroupRules"));
    }

    @Test
    void linkedContainersGetDockerdsLinkVariables() throws Exception {
        String target = name("target");
        ok("run", "-d", "--name", target, "-e", "FOO=1", "--expose", "80", "--expose", "8000-8002/udp", IMAGE, "sleep", "600");
        String ip = inspect(target).get("NetworkSettings").get("IPAddress").asText();
        String linking = name("linking");
        String out = ok("run", "--name", linking, "--link", target + ":my-link", IMAGE, "env");
        Set<String> env = new TreeSet<>(out.lines().filter(l -> l.startsWith("MY_LINK_")).toList());
        Set<String> expected = new TreeSet<>(List.of(
                "MY_LINK_NAME=/" + linking + "/my-link",
                "MY_LINK_ENV_FOO=1",
                "MY_LINK_ENV_FROM_IMAGE=1",
                "MY_LINK_PORT=tcp://" + ip + ":80",
                "MY_LINK_PORT_80_TCP=tcp://" + ip + ":80",
                "MY_LINK_PORT_80_TCP_ADDR=" + ip,
                "MY_LINK_PORT_80_TCP_PORT=80",
                "MY_LINK_PORT_80_TCP_PROTO=tcp",
                "MY_LINK_PORT_8000_UDP_START=udp://" + ip + ":8000",
                "MY_LINK_PORT_8000_UDP_ADDR=" + ip,
                "MY_LINK_PORT_8000_UDP_PROTO=udp",
                "MY_LINK_PORT_8000_UDP_PORT_START=8000",
                "MY_LINK_PORT_8000_UDP_END=udp://" + ip + ":8002",
                "MY_LINK_PORT_8000_UDP_PORT_END=8002"));
        for (int port = 8000; port <= 8002; port++) {
            expected.add("MY_LINK_PORT_" + port + "_UDP=udp://" + ip + ":" + port);
            expected.add("MY_LINK_PORT_" + port + "_UDP_ADDR=" + ip);
            expected.add("MY_LINK_PORT_" + port + "_UDP_PORT=" + port);
            expected.add("MY_LINK_PORT_" + port + "_UDP_PROTO=udp");
        }
        assertEquals(expected, env);
    }

    @Test
    void configMacAddressIsTheDefaultBridgeInterfacesAddress() throws Exception {
        String name = name("mac");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"sleep\",\"600\"],\"MacAddress\":\"02:42:ac:11:00:0a\"}");
        assertEquals(204, UnixHttp.request(engine.socket(), "POST", API + "/containers/" + name + "/start", java.util.Map.of(), null).status());
        assertEquals("02:42:ac:11:00:0a", inspect(name).get("NetworkSettings").get("MacAddress").asText());
        assertEquals("02:42:ac:11:00:0a", ok("exec", name, "cat", "/sys/class/net/eth0/address").trim());
        assertEquals("02:42:ac:11:00:0a", inspect(name).get("Config").get("MacAddress").asText());
    }

    @Test
    void theCliMacAddressIsTheDefaultBridgeInterfacesAddress() throws Exception {
        // docker 28 sends it as the endpoint's (API 1.44), and refuses --mac-address against dockerd 20.10 (API 1.41)
        assumeFalse(engine.isPeer(), "docker 28 refuses --mac-address against API 1.41");
        String out = ok("run", "--name", name("climac"), "--mac-address", "02:42:ac:11:00:0b", IMAGE, "cat", "/sys/class/net/eth0/address");
        assertEquals("02:42:ac:11:00:0b", out.trim());
    }

    @Test
    void networkDisabledLeavesTheContainerOnlyItsLoopback() throws Exception {
        String name = name("nonet");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"ls\",\"/sys/class/net\"],\"NetworkDisabled\":true}");
        assertEquals(204, UnixHttp.request(engine.socket(), "POST", API + "/containers/" + name + "/start", java.util.Map.of(), null).status());
        assertEquals("0", ok("wait", name).trim());
        assertEquals("lo", ok("logs", name).trim());
    }

    @Test
    void aKernelMemoryLimitIsDiscardedWithDockerdsWarning() throws Exception {
        UnixHttp.Response response = post("/containers/create?name=" + name("kmem"),
                "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"KernelMemory\":10000000}}");
        assertEquals(201, response.status(), response.text());
        List<String> warnings = new ArrayList<>();
        JSON.readTree(response.text()).get("Warnings").forEach(w -> warnings.add(w.asText()));
        assertTrue(warnings.contains("Specifying a kernel memory limit is deprecated and will be removed in a future release."), warnings.toString());
    }

    @Test
    void valuesDockerdRefusesAreRefusedInItsWords() throws Exception {
        assertRefused("{\"Runtime\":\"foo\"}", "Unknown runtime specified foo");
        assertRefused("{\"CgroupnsMode\":\"foo\"}", "invalid cgroup namespace mode: foo");
        assertRefused("{\"MemorySwappiness\":101}", "Invalid value: 101, valid memory swappiness range is 0-100");
        assertRefused("{\"Isolation\":\"hyperv\"}", "Invalid isolation: \"hyperv\" - linux only supports 'default'");
        assertRefused("{\"StorageOpt\":{\"size\":\"1G\"}}", "--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
        assertRefused("{\"IOMaximumIOps\":5}", "Invalid QoS settings: linux does not support configuration of maximum IOPs");
    }

    @Test
    void isolationDefaultIsAcceptedAndShown() throws Exception {
        String name = name("isolation");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"Isolation\":\"default\"}}");
        assertEquals("default", inspect(name).get("HostConfig").get("Isolation").asText());
    }

    @Test
    void fieldsTheEngineCannotHonourAreA400NamingThem() throws Exception {
        assumeFalse(engine.isPeer(), "dockerd accepts these at create and fails, or ignores them, later");
        assertRefused("{\"CgroupParent\":\"mine\"}", "HostConfig.CgroupParent 'mine' is not supported by jmachine-engine");
        assertRefused("{\"IpcMode\":\"container:other\"}", "HostConfig.IpcMode 'container:other' is not supported by jmachine-engine");
        assertRefused("{\"BlkioWeight\":500}", "block I/O limits (HostConfig.BlkioWeight, BlkioWeightDevice, BlkioDevice*) are not supported"
                + " by jmachine-engine");
        assertRefused("{\"LogConfig\":{\"Type\":\"syslog\"}}", "log driver 'syslog' (HostConfig.LogConfig.Type) is not supported by"
                + " jmachine-engine: use json-file, local or none");
        assertRefused("{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{\"labels\":\"a\"}}}", "log opt 'labels' of the json-file log"
                + " driver is not supported by jmachine-engine (it applies max-size, max-file and compress)");
        UnixHttp.Response otherNetwork = post("/containers/create?name=" + name("refused"), "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],"
                + "\"NetworkingConfig\":{\"EndpointsConfig\":{\"other\":{\"MacAddress\":\"02:42:ac:11:00:0c\"}}}}");
        assertEquals(400, otherNetwork.status(), otherNetwork.text());
        assertEquals("NetworkingConfig.EndpointsConfig.other.MacAddress: jmachine-engine sets a MAC address only on the network of the"
                + " container's network mode ()", message(otherNetwork));
    }

    @Test
    void dockerDiffListsWhatTheContainerAddedModifiedAndDeleted() throws Exception {
        String name = name("diff");
        create(name, "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"sh\",\"-c\",\"mkdir -p /a/b; touch /a/b/c /z; rm /bin/ls; ln -s x /l; mkdir /tmp/t\"]}");
        UnixHttp.Response before = UnixHttp.request(engine.socket(), "GET", API + "/containers/" + name + "/changes", java.util.Map.of(), null);
        assertEquals(200, before.status(), before.text());
        assertEquals("null", before.text().trim(), "a container that never ran changed nothing");
        ok("start", "-a", name);
        UnixHttp.Response after = UnixHttp.request(engine.socket(), "GET", API + "/containers/" + name + "/changes", java.util.Map.of(), null);
        assertEquals(200, after.status(), after.text());
        Set<String> changes = new TreeSet<>();
        JSON.readTree(after.text()).forEach(c -> changes.add(c.get("Kind").asInt() + " " + c.get("Path").asText()));
        assertEquals(new TreeSet<>(List.of("1 /a", "1 /a/b", "1 /a/b/c", "1 /z", "1 /l", "0 /bin", "2 /bin/ls", "0 /tmp", "1 /tmp/t")), changes);
        UnixHttp.Response missing = UnixHttp.request(engine.socket(), "GET", API + "/containers/createfields-it-nothing/changes", java.util.Map.of(), null);
        assertEquals(404, missing.status(), missing.text());
    }

    private void assertRefused(String hostConfig, String message) throws Exception {
        UnixHttp.Response response = post("/containers/create?name=" + name("refused"),
                "{\"Image\":\"" + IMAGE + "\",\"Cmd\":[\"true\"],\"HostConfig\":" + hostConfig + "}");
        // dockerd answers some of these with a 500; the engine with a 400
        assertTrue(response.status() == 400 || engine.isPeer() && response.status() == 500, hostConfig + ": " + response.status() + " " + response.text());
        assertEquals(message, message(response), hostConfig);
        assertFalse(ok("ps", "-a", "--format", "{{.Names}}").lines().anyMatch(n -> n.equals("createfields-it-refused")));
    }

    private void create(String name, String body) throws Exception {
        UnixHttp.Response response = post("/containers/create?name=" + name, body);
        assertEquals(201, response.status(), response.text());
    }

    private UnixHttp.Response post(String path, String body) throws Exception {
        return UnixHttp.json(engine.socket(), "POST", API + path, body);
    }

    private JsonNode inspect(String name) throws Exception {
        UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET", API + "/containers/" + name + "/json", java.util.Map.of(), null);
        assertEquals(200, response.status(), response.text());
        return JSON.readTree(response.text());
    }

    private static String message(UnixHttp.Response response) throws Exception {
        return JSON.readTree(response.text()).path("message").asText();
    }

    /** A name of this test's own, apart from those of other users of the peer. */
    private String name(String name) {
        String unique = "createfields-it-" + name;
        if (!containers.contains(unique)) {
            containers.add(unique);
        }
        return unique;
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out();
    }
}
