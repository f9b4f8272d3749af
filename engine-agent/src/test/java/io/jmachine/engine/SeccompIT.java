package io.jmachine.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Docker's default seccomp profile and {@code --security-opt} in real busybox containers, through the docker CLI,
 * against jmachine-engine or (with -Djmachine.peer.host) the reference dockerd. Every syscall family is checked both
 * ways: denied under the default profile and allowed when seccomp is off, so a denial cannot come from elsewhere.
 * The image carries {@code sysprobe}, a static C program (compiled here) for the syscalls busybox has no applet for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeccompIT {

    static final String IMAGE = "localhost/it-seccomp/busybox:1";
    static final String EPERM = "errno 1 (Operation not permitted)";
    /** unshare(CLONE_NEWUSER|CLONE_NEWNS), mapped to root inside, then a tmpfs mount: the attacker's escape hatch. */
    static final String USERNS_MOUNT = "unshare -U -r -m sh -c 'mount -t tmpfs t /mnt && echo mounted'";

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    DockerCli docker;
    final List<String> created = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        Path root = BusyboxRootfs.create(dir.resolve("rootfs"));
        compileProbe(root.resolve("bin/sysprobe"));
        Path tar = dir.resolve("image.tar");
        run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
        ok("import", "-c", "CMD [\"sh\"]", tar.toString(), IMAGE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine == null) {
            return;
        }
        for (String name : created) {
            docker.run("rm", "-f", name);
        }
        if (engine.isPeer()) {
            // the peer dockerd is shared: EngineUnderTest.close would remove every container on it, other sessions' too
            docker.run("rmi", IMAGE);
        } else {
            engine.close();
        }
    }

    private static void compileProbe(Path binary) throws IOException, InterruptedException {
        Path source = dir.resolve("sysprobe.c");
        try (InputStream in = SeccompIT.class.getResourceAsStream("seccomp/sysprobe.c")) {
            Files.copy(in, source);
        }
        run(List.of("gcc", "-static", "-O2", "-Wall", "-Werror", "-o", binary.toString(), source.toString()));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), () -> String.join(" ", command) + ": " + output);
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out();
    }

    /** A shell script in a fresh container with these docker run options; its output, stderr after stdout. */
    DockerCli.Result sh(List<String> options, String script) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(options);
        args.addAll(List.of(IMAGE, "sh", "-c", script));
        return docker.run(args.toArray(String[]::new));
    }

    String probe(List<String> options, String... calls) throws Exception {
        StringBuilder script = new StringBuilder();
        for (String call : calls) {
            script.append("sysprobe ").append(call).append(";");
        }
        DockerCli.Result result = sh(options, script.toString());
        assertTrue(result.err().isEmpty(), result.err());
        return result.out();
    }

    Path profile(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file;
    }

    @Test
    void theDefaultProfileIsInForce() throws Exception {
        DockerCli.Result result = sh(List.of(), "grep '^Seccomp:' /proc/self/status");
        assertEquals("Seccomp:\t2\n", result.out(), result.err());
    }

    @Test
    void userNamespacesAreDenied() throws Exception {
        DockerCli.Result unshare = sh(List.of(), "unshare -U true");
        assertEquals(1, unshare.exitCode());
        assertTrue(unshare.err().contains("unshare(0x10000000): Operation not permitted"), unshare.err());
        assertEquals("clone: " + EPERM + "\n", probe(List.of(), "clone 10000000"), "clone(CLONE_NEWUSER)");
    }

    @Test
    void userAndMountNamespacesCannotMountATmpfs() throws Exception {
        DockerCli.Result result = sh(List.of(), USERNS_MOUNT);
        assertNotEquals(0, result.exitCode());
        assertFalse(result.out().contains("mounted"));
        assertTrue(result.err().contains("unshare(0x10020000): Operation not permitted"), result.err());
        assertEquals("clone: " + EPERM + "\n", probe(List.of(), "clone 20000"), "clone(CLONE_NEWNS)");
    }

    @Test
    void keyringSyscallsAreDenied() throws Exception {
        assertEquals("keyctl-join: " + EPERM + "\nadd-key: " + EPERM + "\nrequest-key: " + EPERM + "\n",
                probe(List.of(), "keyctl-join", "add-key", "request-key"));
    }

    @Test
    void personalityFlagsAreDeniedAndDockersPersonasAllowed() throws Exception {
        assertEquals("personality: " + EPERM + "\npersonality: ok\npersonality: ok\n",
                probe(List.of(), "personality 40000", "personality 8", "personality ffffffff"),
                "ADDR_NO_RANDOMIZE denied; PER_LINUX32 and the query allowed");
    }

    @Test
    void clone3AnswersEnosysSoThatLibcFallsBackToCheckedClone() throws Exception {
        assertEquals("clone3: errno 38 (Function not implemented)\nclone: ok\n", probe(List.of(), "clone3", "clone 0"));
    }

    @Test
    void capAddSysAdminReallowsUnshareAndClone3() throws Exception {
        DockerCli.Result result = sh(List.of("--cap-add", "SYS_ADMIN"), USERNS_MOUNT);
        assertEquals(new DockerCli.Result(0, "mounted\n", ""), result);
        assertEquals("clone3: ok\nclone: ok\nkeyctl-join: " + EPERM + "\n",
                probe(List.of("--cap-add", "SYS_ADMIN"), "clone3", "clone 10000000", "keyctl-join"), "keyctl stays denied");
    }

    @Test
    void seccompUnconfinedAllowsWhatTheProfileDenies() throws Exception {
        List<String> unconfined = List.of("--security-opt", "seccomp=unconfined");
        assertEquals(new DockerCli.Result(0, "mounted\n", ""), sh(unconfined, USERNS_MOUNT));
        assertEquals("keyctl-join: ok\nadd-key: ok\nrequest-key: errno 126 (Required key not available)\npersonality: ok\nclone3: ok\n",
                probe(unconfined, "keyctl-join", "add-key", "request-key", "personality 40000", "clone3"),
                "request_key reaches the kernel, which has no such key");
        assertEquals("Seccomp:\t0\n", sh(unconfined, "grep '^Seccomp:' /proc/self/status").out());
    }

    @Test
    void aCustomProfileThatDeniesMkdirMakesMkdirFailWithEperm() throws Exception {
        Path denyMkdir = profile("deny-mkdir.json", """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        DockerCli.Result result = sh(List.of("--security-opt", "seccomp=" + denyMkdir),
                "mkdir /tmp/d; echo mkdir=$?; touch /tmp/f && echo touched; sysprobe keyctl-join");
        assertEquals("mkdir=1\ntouched\nkeyctl-join: ok\n", result.out(), "the profile replaces the default, it does not add to it");
        assertEquals("mkdir: can't create directory '/tmp/d': Operation not permitted\n", result.err());
    }

    @Test
    void aProfileThatCannotBeParsedFailsTheRunNamingTheProblem() throws Exception {
        Path both = profile("name-and-names.json", """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"name": "mkdir", "names": ["mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        created.add("it-seccomp-both");
        DockerCli.Result result = docker.run("run", "--name", "it-seccomp-both", "--security-opt", "seccomp=" + both, IMAGE, "true");
        assertNotEquals(0, result.exitCode());
        assertTrue(result.err().contains("'name' and 'names'") && result.err().contains("use either 'name' or 'names'"), result.err());
    }

    @Test
    void aProfileThatCannotBeParsedIsA400AtCreate() throws Exception {
        assumeFalse(engine.isPeer(), "dockerd 20.10 accepts any profile at create and reads it only at start");
        Path socket = engine.engine().orElseThrow().roots().socket();
        Map<String, String> problems = Map.of(
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"], \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}",
                "both 'architectures' and 'archMap' are specified in the seccomp profile",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOPE\"}]}",
                "unknown seccomp action \"SCMP_ACT_NOPE\" in the rule for mkdir",
                "{\"defaultAction\": ", "Decoding seccomp profile failed: ");
        for (Map.Entry<String, String> problem : problems.entrySet()) {
            String body = JSON.writeValueAsString(Map.of("Image", IMAGE, "Cmd", List.of("true"),
                    "HostConfig", Map.of("SecurityOpt", List.of("seccomp=" + problem.getKey()))));
            UnixHttp.Response response = UnixHttp.json(socket, "POST", "/v1.41/containers/create?name=it-seccomp-unparsable", body);
            assertEquals(400, response.status(), response.text());
            assertTrue(JSON.readTree(response.body()).path("message").asText().contains(problem.getValue()), response.text());
        }
        assertEquals("", ok("ps", "-aq", "--filter", "name=it-seccomp-unparsable"), "no container was made");
    }

    @Test
    void unknownSecurityOptionsAreRefusedAtCreateAsDockerdDoes() throws Exception {
        for (String opt : List.of("unknown=x", "no-new-privileges=maybe", "writable-cgroups=true")) {
            DockerCli.Result result = docker.run("create", "--security-opt", opt, IMAGE, "true");
            assertNotEquals(0, result.exitCode(), opt);
            assertTrue(result.err().contains("invalid --security-opt 2: \"" + opt + "\""), result.err());
        }
    }

    @Test
    void noNewPrivilegesLabelAndApparmorOptionsAreAccepted() throws Exception {
        assertEquals("NoNewPrivs:\t1\n", sh(List.of("--security-opt", "no-new-privileges", "--security-opt", "label=disable",
                "--security-opt", "apparmor=unconfined"), "grep '^NoNewPrivs:' /proc/self/status").out());
        assertEquals("NoNewPrivs:\t0\n", sh(List.of("--security-opt", "no-new-privileges=false"), "grep '^NoNewPrivs:' /proc/self/status").out());
    }

    @Test
    void seccompBuiltinIsDockersDefaultProfile() throws Exception {
        assumeFalse(engine.isPeer(), "dockerd 20.10 predates seccomp=builtin and decodes it as a profile's JSON");
        assertEquals("keyctl-join: " + EPERM + "\n", probe(List.of("--security-opt", "seccomp=builtin"), "keyctl-join"));
    }

    @Test
    void privilegedContainersRunWithoutSeccompUnlessGivenAProfile() throws Exception {
        assumeFalse(engine.isPeer(), "the peer dockerd cannot run --privileged containers on this host");
        assertEquals("Seccomp:\t0\n", sh(List.of("--privileged"), "grep '^Seccomp:' /proc/self/status").out());
        Path denyMkdir = profile("privileged-deny-mkdir.json", """
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        DockerCli.Result result = sh(List.of("--privileged", "--security-opt", "seccomp=" + denyMkdir), "mkdir /tmp/d; echo mkdir=$?");
        assertEquals("mkdir=1\n", result.out());
        assertTrue(result.err().contains("Operation not permitted"), result.err());
    }
}
