package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.TarBuilder;
import io.jmachine.engine.testing.UnixHttp;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET/HEAD/PUT /containers/{id}/archive (docker cp) see a container's volumes and binds where they are mounted, for
 * running and stopped containers, with links followed as the container follows them, and read-only mounts refuse a
 * copy into them. The same tests run against dockerd (-Djmachine.peer.host).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveMountsIT {

    static final String IMAGE = "localhost/i11img/busybox:1";
    static final String VOLUME = "i11img-archive-vol";

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    DockerCli docker;

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", "-c", "CMD [\"sh\"]", BusyboxRootfs.tar(dir).toString(), IMAGE);
        ok("volume", "create", VOLUME);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            for (String id : docker.run("ps", "-aq", "--filter", "volume=" + VOLUME).out().split("\\s+")) {
                if (!id.isBlank()) {
                    docker.run("rm", "-f", id);
                }
            }
            docker.run("volume", "rm", "-f", VOLUME);
            docker.run("rmi", IMAGE);
            engine.close();
        }
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out().trim();
    }

    /** GET archive of {@code path}: the tar's regular files by name, with their content. */
    Map<String, String> archive(String container, String path) throws IOException {
        UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET", "/v1.41/containers/" + container + "/archive?path=" + path,
                Map.of(), null);
        assertEquals(200, response.status(), path + ": " + response.text());
        Map<String, String> files = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(response.body()))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), e.isFile() ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : e.isDirectory() ? "/" : "?");
            }
        }
        return files;
    }

    UnixHttp.Response put(String container, String path, byte[] tar) throws IOException {
        return UnixHttp.request(engine.socket(), "PUT", "/v1.41/containers/" + container + "/archive?path=" + path,
                Map.of("Content-Type", "application/x-tar"), tar);
    }

    @Test
    void aStoppedContainersVolumeIsCopiedOutAndInto() throws Exception {
        String id = ok("create", "-v", VOLUME + ":/data", IMAGE, "sh", "-c",
                "echo in-volume > /data/stopped && ln -s /data /link && ln -s /etc /data/out && echo root > /etc/marker");
        ok("start", "-a", id);
        assertEquals("in-volume\n", archive(id, "/data/stopped").get("stopped"));
        assertEquals("in-volume\n", archive(id, "/link/stopped").get("stopped"), "a link in the root leads into the volume");
        assertEquals("root\n", archive(id, "/data/out/marker").get("marker"), "a link in the volume leads back into the root");
        Map<String, String> folder = archive(id, "/data");
        assertEquals("/", folder.get("data/"));
        assertEquals("in-volume\n", folder.get("data/stopped"));
        UnixHttp.Response head = UnixHttp.request(engine.socket(), "HEAD", "/v1.41/containers/" + id + "/archive?path=/data/stopped",
                Map.of(), null);
        assertEquals(200, head.status());
        assertTrue(new String(java.util.Base64.getDecoder().decode(head.header("X-Docker-Container-Path-Stat")), StandardCharsets.UTF_8)
                .contains("\"size\":10"), "the stat is the volume file's");

        assertEquals(200, put(id, "/data", new TarBuilder().file("copied-in", "into the volume").build()).status());
        assertEquals("into the volume", ok("run", "--rm", "-v", VOLUME + ":/v", IMAGE, "cat", "/v/copied-in"));
        ok("rm", id);
    }

    @Test
    void aRunningContainersBindIsCopiedOutAndInto() throws Exception {
        Path bind = Files.createDirectories(dir.resolve("bind"));
        Files.writeString(bind.resolve("from-host"), "host file\n");
        String id = ok("run", "-d", "-v", bind + ":/mnt/bind", IMAGE, "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done");
        try {
            assertEquals("host file\n", archive(id, "/mnt/bind/from-host").get("from-host"));
            assertEquals(200, put(id, "/mnt/bind", new TarBuilder().file("from-cp", "copied").build()).status());
            assertEquals("copied", Files.readString(bind.resolve("from-cp")), "the copy landed in the bind's host folder");
            assertEquals("copied", ok("exec", id, "cat", "/mnt/bind/from-cp"));
        } finally {
            ok("rm", "-f", id);
        }
    }

    @Test
    void aReadOnlyVolumeRefusesACopyIntoIt() throws Exception {
        String id = ok("create", "-v", VOLUME + ":/ro:ro", IMAGE, "true");
        UnixHttp.Response response = put(id, "/ro", new TarBuilder().file("refused", "x").build());
        assertEquals(500, response.status(), response.text());
        assertTrue(response.text().contains("mounted volume is marked read-only"), response.text());
        assertFalse(ok("run", "--rm", "-v", VOLUME + ":/v", IMAGE, "ls", "/v").contains("refused"));
        ok("rm", id);
    }

    @Test
    void linksInAVolumeToHostPathsStayInTheContainer() throws Exception {
        Path host = Files.createDirectories(dir.resolve("host"));
        Files.writeString(host.resolve("secret"), "HOST-SECRET");
        String id = ok("create", "-v", VOLUME + ":/data", IMAGE, "sh", "-c", "ln -sfn " + host + " /data/abs-host && ln -sfn "
                + "../../../../../../../.." + host + " /data/rel-host && ln -sfn ../../../../../.. /data/up");
        ok("start", "-a", id);
        for (String path : new String[] {"/data/abs-host/secret", "/data/rel-host/secret", "/data/up" + host + "/secret"}) {
            UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET", "/v1.41/containers/" + id + "/archive?path=" + path,
                    Map.of(), null);
            assertEquals(404, response.status(), path + " is looked up in the container, where there is no such file");
            assertEquals(404, put(id, path.replace("/secret", ""), new TarBuilder().file("planted", "x").build()).status(), path);
        }
        assertEquals(java.util.List.of("secret"), java.util.List.of(host.toFile().list()), "nothing was written into the host folder");
        ok("rm", id);
    }

    @Test
    void theEtcFilesTheRuntimeBindsAreCopiedOut() throws Exception {
        String id = ok("create", "--hostname", "i11img-host", IMAGE, "true");
        ok("start", "-a", id);
        assertEquals("i11img-host\n", archive(id, "/etc/hostname").get("hostname"));
        assertTrue(archive(id, "/etc/hosts").get("hosts").contains("i11img-host"), "the container's hosts file");
        ok("rm", id);
    }
}
