package io.jmachine.engine.registry;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.LoopbackRegistry;
import io.jmachine.engine.testing.TestEngine;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docker CLI pushing to and pulling from the real Debian docker-registry on loopback through an engine in this
 * JVM, and pulling images that skopeo and umoci wrote (OCI and Docker manifests).
 */
class DockerRegistryIT {

    @TempDir
    Path dir;

    private final List<LoopbackRegistry> registries = new ArrayList<>();
    private TestEngine engine;
    private DockerCli docker;

    @BeforeEach
    void start() throws IOException, InterruptedException {
        engine = TestEngine.start(dir);
        docker = engine.docker();
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        // the registries first: the engine's leftover check counts any process that uses the test's folder
        for (LoopbackRegistry registry : registries) {
            registry.close();
        }
        engine.close();
    }

    /** A docker-registry on a free loopback port; {@code htpasswd} non-null turns on basic auth. */
    private String registry(String name, String htpasswd) throws IOException, InterruptedException {
        LoopbackRegistry registry = LoopbackRegistry.start(dir.resolve(name), htpasswd);
        registries.add(registry);
        return registry.address();
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), "docker " + String.join(" ", args) + ": " + result.out() + result.err());
        return result.out() + result.err();
    }

    private static String command(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }

    @Test
    void pushPullByTagAndDigestMountAndErrors() throws Exception {
        String registry = registry("plain", null);
        String image = registry + "/acc/busybox";
        ok("import", BusyboxRootfs.tar(dir).toString(), image + ":1");

        String pushed = ok("push", image + ":1");
        assertTrue(pushed.contains("The push refers to repository [" + image + "]"), pushed);
        assertTrue(pushed.matches("(?s).*1: digest: sha256:[0-9a-f]{64} size: \\d+.*"), pushed);
        String digest = command("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + image + ":1").strip();
        assertTrue(pushed.contains(digest), pushed + " vs " + digest);
        assertTrue(ok("push", image + ":1").contains("Layer already exists"));
        ok("tag", image + ":1", registry + "/acc/other:1");
        assertTrue(ok("push", registry + "/acc/other:1").contains("Mounted from acc/busybox"));

        ok("rmi", image + ":1", registry + "/acc/other:1");
        assertEquals("", ok("images", "-q").strip(), "rmi of the tags removes the image with its digest references");
        String pulled = ok("pull", image + ":1");
        assertTrue(pulled.contains("Pull complete") && pulled.contains("Digest: " + digest)
                && pulled.contains("Status: Downloaded newer image for " + image + ":1"), pulled);
        assertTrue(ok("pull", image + ":1").contains("Status: Image is up to date for " + image + ":1"));
        assertTrue(ok("images", "--digests", image).contains(digest));
        assertEquals("[" + image + "@" + digest + "]", ok("image", "inspect", "-f", "{{.RepoDigests}}", image + ":1").strip());

        ok("rmi", image + ":1");
        assertTrue(ok("pull", image + "@" + digest).contains("Status: Downloaded newer image for " + image + "@" + digest));
        assertEquals(image + "@" + digest, ok("images", "--digests", "--format", "{{.Repository}}@{{.Digest}}").strip());

        DockerCli.Result missing = docker.run("pull", image + ":missing");
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("manifest for " + image + ":missing not found: manifest unknown"), missing.err());
        DockerCli.Result unreachable = docker.run("pull", "127.0.0.1:9/acc/none:1");
        assertNotEquals(0, unreachable.exitCode());
        assertTrue(unreachable.err().contains("cannot reach the registry at http://127.0.0.1:9"), unreachable.err());
    }

    @Test
    void aBuildPullsABaseThatIsOnlyInTheRegistry() throws Exception {
        String registry = registry("base", null);
        String base = registry + "/acc/base:1";
        ok("import", BusyboxRootfs.tar(dir).toString(), base);
        ok("push", base);
        ok("rmi", base);
        Path context = Files.createDirectories(dir.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nRUN echo built > /built\n");

        DockerCli.Result build = docker.run("build", "-t", "localhost/acc/on-pulled:1", context.toString());
        assertEquals(0, build.exitCode(), build.out() + build.err());
        assertTrue(build.out().contains("Pull complete"), build.out());
        assertEquals("built", ok("run", "--rm", "localhost/acc/on-pulled:1", "cat", "/built").strip());
        assertTrue(ok("images", "--format", "{{.Repository}}:{{.Tag}}").contains(base), "the base is kept, as dockerd keeps it");

        Files.writeString(context.resolve("Dockerfile"), "FROM " + registry + "/acc/absent:1\n");
        DockerCli.Result missing = docker.run("build", context.toString());
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("pull access denied") && missing.err().contains("not found"), missing.err());
    }

    @Test
    void imagesWrittenByUmociAndSkopeoInBothManifestFormats() throws Exception {
        String registry = registry("tools", null);
        Path layout = dir.resolve("oci/layout");
        Path bundle = dir.resolve("oci/bundle");
        command("umoci", "init", "--layout", layout.toString());
        command("umoci", "new", "--image", layout + ":bb");
        command("umoci", "unpack", "--image", layout + ":bb", bundle.toString());
        BusyboxRootfs.create(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("rootfs/origin"), "umoci-made\n");
        command("umoci", "repack", "--image", layout + ":bb", bundle.toString());
        command("umoci", "config", "--image", layout + ":bb", "--config.cmd=cat", "--config.cmd=/origin");
        command("skopeo", "copy", "--dest-tls-verify=false", "oci:" + layout + ":bb", "docker://" + registry + "/acc/oci:1");
        command("skopeo", "copy", "--format", "v2s2", "--dest-tls-verify=false", "oci:" + layout + ":bb", "docker://" + registry + "/acc/v2s2:1");

        assertTrue(ok("pull", registry + "/acc/oci:1").contains("Pull complete"));
        assertTrue(ok("pull", registry + "/acc/v2s2:1").contains("Already exists"), "the same layer is not fetched twice");
        assertEquals("[cat /origin]", ok("image", "inspect", "-f", "{{.Config.Cmd}}", registry + "/acc/v2s2:1").strip());
        assertEquals(ok("image", "inspect", "-f", "{{.Id}}", registry + "/acc/oci:1"),
                ok("image", "inspect", "-f", "{{.Id}}", registry + "/acc/v2s2:1"));
        try (Stream<Path> layers = Files.list(dir.resolve("data/overlay2"))) {
            assertTrue(layers.anyMatch(layer -> Files.isRegularFile(layer.resolve("diff/origin"))), "the layer is unpacked");
        }
    }

    @Test
    void loginAndPushWithBasicAuth() throws Exception {
        String hash = OpenBSDBCrypt.generate("2a", "s3cret".toCharArray(), new byte[16], 6);
        String registry = registry("auth", "alice:" + hash + "\n");
        ok("import", BusyboxRootfs.tar(dir).toString(), registry + "/acc/private:1");
        Path home = Files.createDirectories(dir.resolve("home"));
        String as = "HOME=" + home + " docker ";

        DockerCli.Result wrong = docker.sh(as + "login -u alice -p nope " + registry);
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.err().contains("401 Unauthorized"), wrong.err());
        DockerCli.Result anonymous = docker.sh(as + "push " + registry + "/acc/private:1");
        assertNotEquals(0, anonymous.exitCode(), anonymous.out());
        assertTrue((anonymous.out() + anonymous.err()).contains("docker login"), anonymous.out() + anonymous.err());

        DockerCli.Result login = docker.sh(as + "login -u alice -p s3cret " + registry);
        assertEquals(0, login.exitCode(), login.err());
        assertTrue(login.out().contains("Login Succeeded"), login.out());
        DockerCli.Result push = docker.sh(as + "push " + registry + "/acc/private:1");
        assertEquals(0, push.exitCode(), push.out() + push.err());
        ok("rmi", registry + "/acc/private:1");
        DockerCli.Result pull = docker.sh(as + "pull " + registry + "/acc/private:1");
        assertEquals(0, pull.exitCode(), pull.out() + pull.err());
        assertEquals(0, docker.sh(as + "logout " + registry).exitCode());
    }
}
