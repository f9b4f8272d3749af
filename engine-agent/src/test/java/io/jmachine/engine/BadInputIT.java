package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TarBuilder;
import io.jmachine.engine.testing.TestEngine;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and malformed requests get a 4xx that says what is wrong, and leave the engine answering and the
 * host unchanged: after each test, `docker version` works, the canary folder outside the data root is as it
 * was, and no failed import left an image or a layer behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

    static final String IMAGE = "localhost/it/busybox:1";

    @TempDir
    static Path dir;

    TestEngine engine;
    DockerCli docker;
    Path canary;
    Map<String, String> canaryBefore;
    List<String> imagesBefore;
    List<String> layersBefore;

    @BeforeAll
    void start() throws Exception {
        engine = TestEngine.start(dir);
        docker = engine.docker();
        assertEquals(0, docker.run("import", "-c", "CMD [\"sh\"]", BusyboxRootfs.tar(dir).toString(), IMAGE).exitCode());
        canary = Files.createDirectories(dir.resolve("canary/inner"));
        Files.writeString(canary.resolve("keep"), "keep\n");
        canary = canary.getParent();
        canaryBefore = snapshot(canary);
        imagesBefore = images();
        layersBefore = layers();
    }

    @AfterEach
    void engineAndHostAreUnchanged() throws Exception {
        DockerCli.Result version = docker.run("version", "--format", "{{.Server.APIVersion}}");
        assertEquals(0, version.exitCode(), "the engine still answers: " + version.err());
        assertEquals(canaryBefore, snapshot(canary), "nothing outside the data root changed");
        assertEquals(imagesBefore, images(), "no image was added");
        assertEquals(layersBefore, layers(), "no layer was left behind");
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void malformedJsonAndWrongTypesOnCreateAre400() throws Exception {
        assertBadRequest(create("{\"Image\": \"" + IMAGE + "\", "), "invalid JSON");
        assertBadRequest(create("{\"Image\": 42}"), "Image");
        assertBadRequest(create("{\"Image\": \"" + IMAGE + "\", \"Tty\": \"yes\"}"), "Tty");
        assertBadRequest(create("{\"Image\": \"" + IMAGE + "\", \"Env\": {\"A\": 1}}"), "Env");
        assertBadRequest(create("{\"Image\": \"" + IMAGE + "\", \"HostConfig\": {\"Memory\": \"lots\"}}"), "Memory");
        assertBadRequest(create("[1, 2]"), "config cannot be empty");
        assertBadRequest(create(""), "config cannot be empty");
        assertBadRequest(UnixHttp.json(engine.roots().socket(), "POST", "/v1.50/containers/create", "\u0000\u0001garbage"), "invalid JSON");
        assertEquals("", docker.run("ps", "-aq").out(), "no container was created");
    }

    @Test
    void unknownRoutesAndMethodsAnswerWithJsonErrors() throws Exception {
        UnixHttp.Response missing = UnixHttp.request(engine.roots().socket(), "GET", "/v1.50/no/such/route", Map.of(), null);
        assertEquals(404, missing.status());
        assertTrue(missing.header("Content-Type").startsWith("application/json"), missing.headers().toString());
        assertTrue(missing.text().matches("\\{\"message\":\".+\"}\\s*"), missing.text());
        UnixHttp.Response wrongMethod = UnixHttp.request(engine.roots().socket(), "DELETE", "/v1.50/version", Map.of(), null);
        assertEquals(405, wrongMethod.status(), wrongMethod.text());
        UnixHttp.Response tooNew = UnixHttp.request(engine.roots().socket(), "GET", "/v9.99/version", Map.of(), null);
        assertEquals(400, tooNew.status());
        assertTrue(tooNew.text().contains("Maximum supported API version is 1.50"), tooNew.text());
        assertEquals(404, UnixHttp.request(engine.roots().socket(), "GET", "/v1.50/containers/nope/json", Map.of(), null).status());
    }

    @Test
    void invalidContainerNamesAre400() throws Exception {
        for (String name : List.of("bad/name", "-leading-dash", "a", "sp ace", "..")) {
            DockerCli.Result result = docker.run("create", "--name", name, IMAGE);
            assertNotEquals(0, result.exitCode(), name);
            assertTrue(result.err().contains("Invalid container name (" + name + ")"), result.err());
        }
        UnixHttp.Response raw = UnixHttp.json(engine.roots().socket(), "POST", "/v1.50/containers/create?name=bad%2Fname",
                "{\"Image\": \"" + IMAGE + "\"}");
        assertEquals(400, raw.status(), raw.text());
        assertEquals("", docker.run("ps", "-aq").out(), "no container was created");
    }

    @Test
    void aLayerWithDotDotPathsIsRefused() throws Exception {
        byte[] tar = new TarBuilder().dir("bin").file("../../../../../../../.." + canary + "/pwned", "pwned\n").build();
        assertImportRefused(tar, "points outside the destination folder");
        assertImportRefused(new TarBuilder().dir("a").file("a/../../escaped", "x").build(), "points outside the destination folder");
    }

    @Test
    void aLayerWithAHardLinkToAHostFileIsRefused() throws Exception {
        assertImportRefused(new TarBuilder().hardlink("passwd", "../../../../../../etc/passwd").build(), "points outside the destination folder");
        assertImportRefused(new TarBuilder().hardlink("keep", canary + "/inner/keep").build(), "is not in the archive before it");
    }

    /**
     * dockerd and containerd accept a layer that writes through its own symlink, and confine the write to the
     * layer: this engine does the same. The file lands in the image, under the link's target read inside the root.
     */
    @Test
    void aWriteThroughAnAbsoluteSymlinkStaysInsideTheImage() throws Exception {
        Path tar = dir.resolve("through-link.tar");
        Files.write(tar, new TarBuilder().dir("bin").symlink("escape", canary.toString())
                .file("escape/pwned", "inside\n").symlink("relative", "../../../../../../.." + canary + "/inner")
                .file("relative/pwned2", "inside too\n").build());
        String id = docker.run("import", tar.toString(), "localhost/it/through-link:1").out().strip();
        assertTrue(id.startsWith("sha256:"), id);
        try {
            // the layer's files, read from a container of the image made from busybox plus this layer
            String layerRoot = dir.resolve("layer-check").toString();
            Files.createDirectories(Path.of(layerRoot));
            DockerCli.Result created = docker.run("create", "--name", "through-link", "localhost/it/through-link:1", "x");
            assertEquals(0, created.exitCode(), created.err());
            assertEquals(0, docker.run("cp", "through-link:" + canary + "/pwned", layerRoot).exitCode());
            assertEquals(0, docker.run("cp", "through-link:" + canary + "/inner/pwned2", layerRoot).exitCode());
            assertEquals("inside\n", Files.readString(Path.of(layerRoot, "pwned")));
            assertEquals("inside too\n", Files.readString(Path.of(layerRoot, "pwned2")));
            assertEquals(0, docker.run("rm", "through-link").exitCode());
        } finally {
            assertEquals(0, docker.run("rmi", "localhost/it/through-link:1").exitCode());
        }
    }

    @Test
    void garbageInsteadOfATarIsRefused() throws Exception {
        UnixHttp.Response response = UnixHttp.request(engine.roots().socket(), "POST", "/v1.50/images/create?fromSrc=-&repo=localhost/it/garbage",
                Map.of("Content-Type", "application/x-tar"), "this is not a tar archive at all, only text".repeat(20).getBytes());
        assertTrue(response.status() >= 400 && response.status() < 500, response.status() + " " + response.text());
        assertTrue(response.text().contains("tar"), response.text());
    }

    @Test
    void aHugeRequestHeaderIs431() throws Exception {
        UnixHttp.Response response = UnixHttp.request(engine.roots().socket(), "GET", "/v1.50/version",
                Map.of("X-Huge", "a".repeat(200_000)), null);
        assertEquals(431, response.status(), response.text());
        UnixHttp.Response longLine = UnixHttp.request(engine.roots().socket(), "GET", "/v1.50/version?" + "a".repeat(100_000), Map.of(), null);
        assertTrue(longLine.status() == 414 || longLine.status() == 431 || longLine.status() == 400, longLine.status() + " " + longLine.text());
    }

    private UnixHttp.Response create(String json) throws IOException {
        return UnixHttp.json(engine.roots().socket(), "POST", "/v1.50/containers/create", json);
    }

    private static void assertBadRequest(UnixHttp.Response response, String mentions) {
        assertEquals(400, response.status(), response.text());
        assertTrue(response.text().startsWith("{\"message\":"), response.text());
        assertTrue(response.text().contains(mentions), "the message names " + mentions + ": " + response.text());
    }

    /** Through `docker import` (and the raw endpoint): a 4xx whose message says why, and nothing imported. */
    private void assertImportRefused(byte[] tar, String why) throws Exception {
        Path file = Files.write(Files.createTempFile(dir, "hostile", ".tar"), tar);
        DockerCli.Result imported = docker.run("import", file.toString(), "localhost/it/hostile:1");
        assertNotEquals(0, imported.exitCode(), imported.out());
        assertTrue(imported.err().contains(why), imported.err());
        UnixHttp.Response raw = UnixHttp.request(engine.roots().socket(), "POST", "/v1.50/images/create?fromSrc=-&repo=localhost/it/hostile&tag=1",
                Map.of("Content-Type", "application/x-tar"), tar);
        assertTrue(raw.status() >= 400 && raw.status() < 500, raw.status() + " " + raw.text());
        assertTrue(raw.text().contains(why), raw.text());
    }

    private List<String> images() throws Exception {
        return docker.run("images", "-aq", "--no-trunc").out().lines().sorted().toList();
    }

    private List<String> layers() throws IOException {
        Path layers = engine.roots().dataRoot().resolve("overlay2");
        try (var list = Files.list(layers)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, String> snapshot(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (var walk = Files.walk(folder)) {
            for (Path p : walk.toList()) {
                String key = folder.relativize(p).toString();
                files.put(key, Files.isRegularFile(p) ? Files.readString(p) : Files.isDirectory(p) ? "<dir>" : "<other>");
            }
        }
        return files;
    }
}
