package io.jmachine.cli;

import io.jmachine.cli.TestCli.Result;
import io.jmachine.cli.testing.PrivateSshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generic driver end to end on this host's loopback: a private sshd, `jmachine create -d generic` installs the
 * engine bundle built by the engine module into a temp "host" layout (its own install, config, data and exec roots,
 * socket and bridge, so it never meets another engine), the real docker CLI reaches it over mutual TLS after
 * `jmachine env`, and `rm` stops that engine and forgets the machine while the host (the sshd) stays.
 */
class GenericMachineIT {

    private static final Path BUNDLE = Path.of("../engine-agent/target/jmachine-engine-bundle.tar.gz").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    private static PrivateSshd sshd;
    private static Path host;
    private static String bridge;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.isRegularFile(BUNDLE), "the engine bundle is missing: build it first with "
                + "./build -q -pl engine-agent -am package -DskipTests (./build verify builds the engine module before this one)");
        sshd = PrivateSshd.start(dir.resolve("sshd"));
        host = dir.resolve("host");
        bridge = "jmit" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        // whatever the test left: the engine (by its pidfile), the bridge, the sshd
        Path pidfile = host == null ? null : host.resolve("exec/jmachine-engine.pid");
        if (pidfile != null && Files.exists(pidfile)) {
            long pid = Long.parseLong(Files.readString(pidfile).strip());
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
            });
        }
        if (bridge != null) {
            new ProcessBuilder("ip", "link", "delete", bridge).redirectErrorStream(true).start().waitFor();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private static Result jmachine(Map<String, String> extraEnv, String... args) {
        return new TestCli(dir).jmachine(extraEnv, args);
    }

    private static Result jmachine(String... args) {
        return jmachine(Map.of(), args);
    }

    private static Result docker(Map<String, String> env, String... args) throws Exception {
        return new TestCli(dir).docker(env, args);
    }

    private static Map<String, String> exports(String script) {
        return TestCli.exports(script);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void adoptsThisHostOverSshRunsTheEngineWithMutualTlsAndRemovesItAgain() throws Exception {
        int enginePort = PrivateSshd.freePort();
        int subnet = ThreadLocalRandom.current().nextInt(100, 250);
        Result create = jmachine("create", "-d", "generic", "--generic-ip-address", "127.0.0.1",
                "--generic-ssh-port", Integer.toString(sshd.port()), "--generic-ssh-user", "root",
                "--generic-ssh-key", sshd.clientKey().toString(), "--generic-engine-port", Integer.toString(enginePort),
                "--engine-bundle", BUNDLE.toString(),
                "--engine-install-dir", host.resolve("opt").toString(), "--engine-config-dir", host.resolve("etc").toString(),
                "--engine-opt", "data-root=" + host.resolve("data"), "--engine-opt", "exec-root=" + host.resolve("exec"),
                "--engine-opt", "hosts=unix://" + host.resolve("exec/engine.sock"),
                "--engine-opt", "bridge=" + bridge, "--engine-opt", "bip=10.213." + subnet + ".0/24",
                "--engine-label", "it=generic", "m1");
        assertEquals(0, create.code(), create.err() + "\nsshd: " + sshd.log());
        assertTrue(create.err().contains("(m1) [1/6] detect the host's operating system"), create.err());
        assertTrue(create.err().contains("(m1) [2/6] install the runtime packages: done"), create.err());
        assertTrue(create.err().contains("[6/6] wait for the engine at tcp://127.0.0.1:" + enginePort + ": done"), create.err());
        // one line per phase, with the time since create started: what bench/create.sh times
        assertTrue(create.err().lines().anyMatch(l -> l.matches("\\(m1\\) host created \\(\\d+\\.\\d s\\)")), create.err());
        assertTrue(create.err().lines().anyMatch(l -> l.matches("\\(m1\\) SSH is up \\(\\d+\\.\\d s\\); provisioning…")), create.err());
        assertTrue(create.err().lines().anyMatch(l -> l.matches("\\(m1\\) engine answering over TLS at tcp://127\\.0\\.0\\.1:"
                + enginePort + " \\(\\d+\\.\\d s\\)")), create.err());
        assertTrue(Files.exists(host.resolve("opt/bin/jmachine-engine")));
        assertEquals("rw-------", Files.getPosixFilePermissions(host.resolve("etc/server-key.pem")).stream()
                .map(Object::toString).sorted().toList().equals(List.of("OWNER_READ", "OWNER_WRITE")) ? "rw-------" : "other");
        Path machineDir = dir.resolve("store/machines/m1");
        assertTrue(Files.size(machineDir.resolve("known_hosts")) > 0, "the host key is pinned");

        // the machine's docker context: the docker CLI reaches the engine with it alone
        assertTrue(create.err().lines().anyMatch("(m1) docker context m1 made"::equals), create.err());
        Result byContext = docker(Map.of(), "--context", "m1", "version", "--format", "{{.Server.Os}}");
        assertEquals(0, byContext.code(), byContext.err());
        assertEquals("linux", byContext.out().strip());

        // the docker CLI after eval $(jmachine env m1)
        Result env = jmachine("env", "m1");
        assertEquals(0, env.code(), env.err());
        Map<String, String> variables = exports(env.out());
        assertEquals("tcp://127.0.0.1:" + enginePort, variables.get("DOCKER_HOST"));
        assertEquals("1", variables.get("DOCKER_TLS_VERIFY"));
        assertEquals(machineDir.toString(), variables.get("DOCKER_CERT_PATH"));
        assertEquals("m1", variables.get("JMACHINE_NAME"));
        Result version = docker(variables, "version", "--format", "{{.Server.Os}}");
        assertEquals(0, version.code(), version.err());
        assertEquals("linux", version.out().strip());
        Result info = docker(variables, "info", "--format", "{{json .Labels}}");
        assertTrue(info.out().contains("provider=generic") && info.out().contains("it=generic"), info.out() + info.err());

        // no client certificate, no engine
        Path caOnly = Files.createDirectories(dir.resolve("ca-only"));
        Files.copy(machineDir.resolve("ca.pem"), caOnly.resolve("ca.pem"));
        Result refused = docker(Map.of("DOCKER_HOST", variables.get("DOCKER_HOST"), "DOCKER_TLS", "1",
                "DOCKER_CERT_PATH", caOnly.toString()), "version");
        assertNotEquals(0, refused.code());

        // config: flags usable unquoted
        Result config = jmachine("config", "m1");
        List<String> flags = new ArrayList<>(List.of(config.out().strip().split("\\s+")));
        flags.add("version");
        flags.add("--format");
        flags.add("{{.Server.Os}}");
        Result viaFlags = docker(Map.of(), flags.toArray(String[]::new));
        assertEquals("linux", viaFlags.out().strip(), viaFlags.err());

        // ls, filters, formats, active
        Result ls = jmachine("ls");
        assertTrue(ls.out().lines().anyMatch(l -> l.matches("m1 +- +generic +Running +tcp://127\\.0\\.0\\.1:" + enginePort + " +v\\S+\\s*")), ls.out());
        assertTrue(ls.out().startsWith("NAME "), ls.out());
        Result active = jmachine(Map.of("DOCKER_HOST", variables.get("DOCKER_HOST")), "ls", "--format", "{{.Name}} {{.Active}} {{.State}}");
        assertEquals("m1 * Running\n", active.out());
        assertEquals("m1\n", jmachine(Map.of("DOCKER_HOST", variables.get("DOCKER_HOST")), "active").out());
        assertEquals("", jmachine("ls", "-q", "--filter", "driver=none").out());
        assertEquals("m1\n", jmachine("ls", "-q", "--filter", "label=it=generic", "--filter", "state=running").out());
        assertTrue(jmachine("ls", "--format", "json").out().contains("\"DriverName\":\"generic\""));

        // the other read verbs
        assertEquals(Integer.toString(sshd.port()), jmachine("inspect", "-f", "{{.Driver.SSHPort}}", "m1").out().strip());
        assertTrue(jmachine("inspect", "m1").out().contains("\"DriverName\" : \"generic\""));
        assertEquals("Running\n", jmachine("status", "m1").out());
        assertEquals("127.0.0.1\n", jmachine("ip", "m1").out());
        assertEquals("tcp://127.0.0.1:" + enginePort + "\n", jmachine("url", "m1").out());

        // ssh and scp
        assertEquals(0, jmachine("ssh", "m1", "true").code());
        assertEquals(7, jmachine("ssh", "m1", "sh", "-c", "'exit 7'").code());
        Path up = dir.resolve("up.txt");
        Files.writeString(up, "copied");
        assertEquals(0, jmachine("scp", up.toString(), "m1:" + dir.resolve("remote.txt")).code());
        assertEquals("copied", Files.readString(dir.resolve("remote.txt")));
        Result down = jmachine("scp", "m1:" + dir.resolve("remote.txt"), dir.resolve("down.txt").toString());
        assertEquals(0, down.code(), down.err());
        assertEquals("copied", Files.readString(dir.resolve("down.txt")));

        // the host is not the driver's to stop
        Result stop = jmachine("stop", "m1");
        assertEquals(1, stop.code());
        assertTrue(stop.err().contains("jmachine provision m1"), stop.err());

        // provision again keeps the same bundle (a detail: -D shows it); new certificates restart the engine with them
        Result provision = jmachine("provision", "-D", "--engine-bundle", BUNDLE.toString(), "m1");
        assertEquals(0, provision.code(), provision.err());
        assertTrue(provision.err().contains("the same engine bundle is installed already: kept"), provision.err());
        String serverCert = Files.readString(machineDir.resolve("server.pem"));
        Result regenerate = jmachine("regenerate-certs", "-f", "m1");
        assertEquals(0, regenerate.code(), regenerate.err());
        assertNotEquals(serverCert, Files.readString(machineDir.resolve("server.pem")));
        assertEquals(Files.readString(machineDir.resolve("server.pem")), Files.readString(host.resolve("etc/server.pem")));
        assertEquals("linux", docker(variables, "version", "--format", "{{.Server.Os}}").out().strip());
        assertEquals("linux", docker(Map.of(), "--context", "m1", "version", "--format", "{{.Server.Os}}").out().strip(),
                "the context follows the new certificates");

        // rm: the engine stops, the machine goes, the host stays
        long enginePid = Long.parseLong(Files.readString(host.resolve("exec/jmachine-engine.pid")).strip());
        Result rm = jmachine("rm", "-y", "m1");
        assertEquals(0, rm.code(), rm.err());
        assertFalse(ProcessHandle.of(enginePid).map(ProcessHandle::isAlive).orElse(false), "the engine was stopped");
        assertFalse(listening(enginePort));
        assertFalse(Files.exists(machineDir));
        assertFalse(Files.exists(host.resolve("etc")), "the engine's TLS key is gone from the host");
        assertTrue(Files.exists(host.resolve("opt/bin/jmachine-engine")), "the bundle stays");
        assertTrue(sshd.alive() && sshd.answers(), "the host itself is left alone");
        assertEquals("", jmachine("ls", "-q").out());
        assertTrue(rm.err().contains("(m1) docker context m1 removed"), rm.err());
        assertNotEquals(0, docker(Map.of(), "context", "inspect", "m1").code(), "rm removed the context");
        Result missing = jmachine("ssh", "m1", "true");
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }
}
