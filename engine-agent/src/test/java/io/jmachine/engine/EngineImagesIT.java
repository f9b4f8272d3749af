package io.jmachine.engine;

import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.image.CommitRequest;
import io.jmachine.engine.image.ContainerRootfs;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.jmachine.engine.testing.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The docker CLI's image commands against a real engine in this JVM. */
class EngineImagesIT {

    @TempDir
    Path dir;

    private Engine engine;
    /** Its own bridge and subnet: the host may route the default 172.29.0.0/16 elsewhere, which the engine refuses. */
    private TestNetwork network;
    private DockerCli docker;

    @BeforeEach
    void start() throws Exception {
        network = TestNetwork.pick();
        engine = Engine.start(ConfigLoader.load(Map.of(
                "hosts", List.of("unix://" + dir.resolve("engine.sock")),
                "data-root", dir.resolve("data").toString(), "exec-root", dir.resolve("exec").toString(),
                "bridge", network.bridge(), "bip", network.subnet()), null));
        docker = DockerCli.unix(dir.resolve("engine.sock"));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        network.removeBridge();
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            if (line.contains(" overlay ") && line.contains(dir.toString())) {
                mounts.add(line);
            }
        }
        assertEquals(List.of(), mounts, "overlay mounts left behind");
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), "docker " + String.join(" ", args) + ": " + result.err());
        return result.out();
    }

    @Test
    void importTagInspectHistorySaveRmiLoad() throws Exception {
        Path tar = BusyboxRootfs.tar(dir);
        String id = ok("import", "-c", "CMD [\"sh\"]", "-m", "from the test", tar.toString(), "localhost/acc/busybox:1").strip();
        assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
        assertTrue(ok("images").lines().anyMatch(l -> l.matches("localhost/acc/busybox +1 +" + id.substring(7, 19) + " .*")));
        ok("tag", "localhost/acc/busybox:1", "localhost/acc/busybox:latest");
        assertEquals("[localhost/acc/busybox:1 localhost/acc/busybox:latest]",
                ok("image", "inspect", "-f", "{{.RepoTags}}", "localhost/acc/busybox:1").strip());
        assertEquals("[sh] overlay2 from the test linux", ok("image", "inspect", "-f",
                "{{.Config.Cmd}} {{.GraphDriver.Name}} {{.Comment}} {{.Os}}", "localhost/acc/busybox").strip());
        assertEquals(id.substring(7, 19), ok("history", "-q", "localhost/acc/busybox:1").strip());
        assertEquals(id, ok("images", "-q", "--no-trunc", "--filter", "reference=localhost/acc/*:1").strip());
        assertEquals("", ok("images", "-q", "--filter", "dangling=true").strip());

        Path saved = dir.resolve("saved.tar");
        ok("save", "-o", saved.toString(), "localhost/acc/busybox:1");
        List<String> entries = names(saved);
        assertTrue(entries.containsAll(List.of("oci-layout", "index.json", "manifest.json", "repositories", "blobs/sha256/" + id.substring(7))),
                entries.toString());

        assertEquals("Untagged: localhost/acc/busybox:latest", ok("rmi", "localhost/acc/busybox:latest").strip());
        String removed = ok("rmi", "localhost/acc/busybox:1");
        assertTrue(removed.contains("Deleted: " + id), removed);
        DockerCli.Result missing = docker.run("image", "inspect", "localhost/acc/busybox:1");
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("No such image: localhost/acc/busybox:1"), missing.err());

        assertEquals("Loaded image: localhost/acc/busybox:1", ok("load", "-i", saved.toString()).strip());
        assertEquals(id, ok("image", "inspect", "-f", "{{.Id}}", "localhost/acc/busybox:1").strip(), "the same image, the same ID");
    }

    @Test
    void aCommittedImageHasTwoHistoryLinesAndItsParent() throws Exception {
        String id = ok("import", BusyboxRootfs.tar(dir).toString(), "localhost/acc/busybox:1").strip();
        Image image = engine.images().resolve("localhost/acc/busybox:1");
        ContainerRootfs rootfs = engine.images().mountRootfs("c1", image.id());
        Files.writeString(rootfs.merged().resolve("marker"), "data\n");
        Image committed = engine.images().commit(new CommitRequest("c1", "localhost/acc/modified:1", null, "acc", "marker",
                List.of(), null, "sh -c echo data > /marker"));
        engine.images().removeRootfs("c1");

        assertEquals(List.of(committed.id().shortHex(), id.substring(7, 19)), ok("history", "-q", "localhost/acc/modified:1").lines().toList());
        assertEquals(id + " acc", ok("image", "inspect", "-f", "{{.Parent}} {{.Author}}", "localhost/acc/modified:1").strip());
        DockerCli.Result parentInUse = docker.run("rmi", id);
        assertNotEquals(0, parentInUse.exitCode());
        assertTrue(parentInUse.err().contains("image has dependent child images"), parentInUse.err());
        ok("rmi", "localhost/acc/modified:1");
        assertEquals("", ok("images", "-aq", "--filter", "dangling=true").strip());
    }

    @Test
    void aPullFromARegistryThatIsNotThereFailsAndABadTarDoesNotLoad() throws Exception {
        DockerCli.Result pull = docker.run("pull", "127.0.0.1:5999/acc/never-built:1");
        assertNotEquals(0, pull.exitCode());
        assertTrue(pull.err().contains("cannot reach the registry at http://127.0.0.1:5999: connection refused"), pull.err());
        DockerCli.Result badTar = docker.run("load", "-i", "/etc/hostname");
        assertNotEquals(0, badTar.exitCode());
    }

    @Test
    void pruneRemovesDanglingImages() throws Exception {
        String id = ok("import", BusyboxRootfs.tar(dir).toString()).strip();
        assertEquals(id.substring(7, 19), ok("images", "-q", "--filter", "dangling=true").strip());
        String pruned = ok("image", "prune", "-f");
        assertTrue(pruned.contains("deleted: " + id), pruned);
        assertEquals("", ok("images", "-aq").strip());
    }

    private static List<String> names(Path tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream file = Files.newInputStream(tar); TarArchiveInputStream in = new TarArchiveInputStream(file)) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
