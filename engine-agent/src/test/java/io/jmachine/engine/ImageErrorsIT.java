package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Status codes and reports clients check, as dockerd 20.10 gives them: a volume driver that is not there is a 404,
 * a load of a garbage archive is a 200 stream ending in an error line, and prunes report the bytes they freed. Prunes
 * are narrowed by a label of this test's own: the peer dockerd is shared. The same tests run against dockerd
 * (-Djmachine.peer.host).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageErrorsIT {

    static final String IMAGE = "localhost/i11img/busybox:1";
    static final String LABEL = "i11img-prune=" + ProcessHandle.current().pid();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    DockerCli docker;

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(dir).toString(), IMAGE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            docker.run("rmi", IMAGE);
            engine.close();
        }
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out().trim();
    }

    String filter() {
        return "?filters=" + URLEncoder.encode("{\"label\":{\"" + LABEL + "\":true}}", StandardCharsets.UTF_8);
    }

    @Test
    void aVolumeDriverThatIsNotThereIsA404() throws Exception {
        UnixHttp.Response create = UnixHttp.json(engine.socket(), "POST", "/v1.41/volumes/create",
                "{\"Name\":\"i11img-nodriver\",\"Driver\":\"i11img-nosuch\"}");
        assertEquals(404, create.status(), create.text());
        assertTrue(create.text().contains("plugin \\\"i11img-nosuch\\\" not found"), create.text());
        UnixHttp.Response container = UnixHttp.json(engine.socket(), "POST", "/v1.41/containers/create", "{\"Image\":\"" + IMAGE
                + "\",\"Cmd\":[\"true\"],\"HostConfig\":{\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"i11img-nodriver2\",\"Target\":\"/d\","
                + "\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"i11img-nosuch\"}}}]}}");
        assertEquals(404, container.status(), container.text());
        assertNotEquals(0, docker.run("volume", "inspect", "i11img-nodriver").exitCode(), "no volume was made");
    }

    @Test
    void aGarbageLoadIsA200StreamEndingInAnError() throws Exception {
        byte[] garbage = new byte[3000];
        new java.util.Random(11).nextBytes(garbage);
        UnixHttp.Response load = UnixHttp.request(engine.socket(), "POST", "/v1.41/images/load?quiet=1",
                Map.of("Content-Type", "application/x-tar"), garbage);
        assertEquals(200, load.status(), load.text());
        String[] lines = load.text().strip().split("\r?\n");
        JsonNode last = JSON.readTree(lines[lines.length - 1]);
        assertTrue(last.path("errorDetail").path("message").isTextual(), load.text());
        assertEquals(last.path("errorDetail").path("message").asText(), last.path("error").asText());
        DockerCli.Result cli = docker.runWithInput(garbage, "load");
        assertNotEquals(0, cli.exitCode(), "the CLI reports the error line as a failure");
    }

    @Test
    void prunesReportTheBytesTheyFreed() throws Exception {
        String id = ok("create", "--label", LABEL, IMAGE, "sh", "-c", "head -c 1048576 /dev/zero > /big");
        ok("start", "-a", id);
        JsonNode containers = JSON.readTree(UnixHttp.request(engine.socket(), "POST", "/v1.41/containers/prune" + filter(), Map.of(),
                null).text());
        assertEquals("[\"" + id + "\"]", containers.path("ContainersDeleted").toString());
        assertTrue(containers.path("SpaceReclaimed").asLong() >= 1 << 20, "the container's writable layer: " + containers);

        // marked anonymous: the engine prunes only those at every API version (dockerd 20.10 prunes named ones too at 1.41)
        String volume = "i11img-prune-vol";
        ok("volume", "create", "--label", LABEL, "--label", "com.docker.volume.anonymous=", volume);
        ok("run", "--rm", "-v", volume + ":/v", IMAGE, "sh", "-c", "head -c 1048576 /dev/zero > /v/big");
        JsonNode volumes = JSON.readTree(UnixHttp.request(engine.socket(), "POST", "/v1.41/volumes/prune" + filter(), Map.of(), null)
                .text());
        assertEquals("[\"" + volume + "\"]", volumes.path("VolumesDeleted").toString());
        assertTrue(volumes.path("SpaceReclaimed").asLong() >= 1 << 20, volumes.toString());

        // a layer of its own (a busybox tar made in the same second as IMAGE's would be IMAGE's layer, shared, not freed)
        java.nio.file.Path own = java.nio.file.Files.write(dir.resolve("own-layer.tar"), new io.jmachine.engine.testing.TarBuilder()
                .file("big", java.util.UUID.randomUUID() + "x".repeat(2 << 20)).build());
        String image = ok("import", "--change", "LABEL " + LABEL, own.toString());
        JsonNode images = JSON.readTree(UnixHttp.request(engine.socket(), "POST", "/v1.41/images/prune" + filter(), Map.of(), null)
                .text());
        assertTrue(images.path("ImagesDeleted").toString().contains(image), images.toString());
        assertTrue(images.path("SpaceReclaimed").asLong() > 1 << 20, "the busybox layer: " + images);
    }
}
