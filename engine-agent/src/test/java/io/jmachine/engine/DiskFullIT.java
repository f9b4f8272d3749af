package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.testing.EngineRoots;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An engine whose data root is a 100 MiB ext4 file system: an import, a load, a pull and a build of a layer too big
 * for it to hold twice fail with ENOSPC midway, and afterwards the free space is what it was before (within
 * {@link #SLACK} bytes: a folder or two the engine keeps) and the engine still imports and runs an image.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiskFullIT {

    private static final long SLACK = 256 * 1024;
    private static final String SMALL = "localhost/it/small:1";

    @TempDir
    static Path dir;

    Path image;
    Path dataRoot;
    EngineRoots roots;
    Engine engine;
    DockerCli docker;
    Process registry;
    String imagesBefore;
    long freeBefore;

    @BeforeAll
    void mountASmallDataRootAndStart() throws Exception {
        image = dir.resolve("data.ext4");
        dataRoot = Files.createDirectories(dir.resolve("data"));
        try (var file = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            file.truncate(0).position(100L << 20).write(java.nio.ByteBuffer.allocate(1));
        }
        run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString());
        run("mount", "-o", "loop", image.toString(), dataRoot.toString());
        roots = EngineRoots.in(dir);
        engine = Engine.start(ConfigLoader.load(roots.config(), null));
        docker = roots.docker();
        // the base a RUN needs, and every folder the engine makes at its first import, before anything is measured
        ok("import", "-c", "CMD [\"sh\"]", BusyboxRootfs.tar(dir).toString(), "localhost/it/busybox:1");
    }

    /** As TestEngine's close, with the data root unmounted before the leftover check (which counts mounts). */
    @AfterAll
    void stopAndUnmount() throws Exception {
        java.util.Set<String> containers = new java.util.HashSet<>();
        try {
            if (registry != null) {
                registry.destroy();
                registry.waitFor();
            }
            if (engine != null) {
                containers.addAll(roots.removeAllContainers());
                engine.close();
            }
        } finally {
            run("umount", dataRoot.toString());
        }
        roots.assertCleanAndRemoveBridge(containers);
    }

    @BeforeEach
    void measure() throws Exception {
        imagesBefore = ok("images", "-aq", "--no-trunc");
        freeBefore = free();
    }

    @AfterEach
    void spaceIsGivenBackAndTheEngineStillWorks() throws Exception {
        assertEquals(imagesBefore, ok("images", "-aq", "--no-trunc"), "the failed operation added no image");
        long after = free();
        assertTrue(Math.abs(freeBefore - after) <= SLACK, "free space before " + freeBefore + " and after " + after
                + " differ by " + (freeBefore - after) + " bytes; left in the data root:\n" + ok("system", "df") + du());
        ok("import", tar(dir.resolve("small.tar"), 64 << 10).toString(), SMALL);
        assertEquals("ok", ok("run", "--rm", "localhost/it/busybox:1", "echo", "ok").strip());
        ok("rmi", SMALL);
    }

    @Test
    void anImageTooBigToUnpackIsRefusedAndLeavesNothing() throws Exception {
        Path tar = tar(dir.resolve("import.tar"), freeBefore * 6 / 10);
        DockerCli.Result imported = docker.run("import", tar.toString(), "localhost/it/big:1");
        assertFailedForSpace(imported);
    }

    @Test
    void aLoadTooBigToStoreIsRefusedAndLeavesNothing() throws Exception {
        Path archive = saveArchive(dir.resolve("load"), freeBefore * 6 / 10);
        DockerCli.Result loaded = docker.run("load", "-i", archive.toString());
        assertFailedForSpace(loaded);
    }

    @Test
    void aPullTooBigToStoreIsRefusedAndLeavesNothing() throws Exception {
        String registry = registry();
        Path archive = saveArchive(dir.resolve("pull"), freeBefore * 6 / 10);
        run("skopeo", "copy", "-q", "--dest-tls-verify=false", "docker-archive:" + archive, "docker://" + registry + "/it/big:1");
        DockerCli.Result pulled = docker.run("pull", registry + "/it/big:1");
        assertFailedForSpace(pulled);
    }

    @Test
    void aBuildThatCopiesTooMuchIsRefusedAndLeavesNothing() throws Exception {
        Path context = Files.createDirectories(dir.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY big /big\n");
        random(context.resolve("big"), freeBefore * 4 / 10);
        DockerCli.Result built = docker.run("build", "-t", "localhost/it/built:1", context.toString());
        assertFailedForSpace(built);
    }

    @Test
    void aBuildWhoseRunFillsTheDiskIsRefusedAndLeavesNothing() throws Exception {
        Path context = Files.createDirectories(dir.resolve("run-context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM localhost/it/busybox:1\nRUN dd if=/dev/zero of=/fill bs=1M count=200\n");
        DockerCli.Result built = docker.run("build", "-t", "localhost/it/built:2", context.toString());
        assertFailedForSpace(built);
    }

    private static void assertFailedForSpace(DockerCli.Result result) {
        assertNotEquals(0, result.exitCode(), result.out() + result.err());
        String said = (result.out() + result.err()).toLowerCase(java.util.Locale.ROOT);
        assertTrue(said.contains("no space left on device"), "the error names the cause: " + result.out() + result.err());
    }

    /** Free bytes of the data root once the file system has settled (ext4 frees deleted blocks at its journal commit). */
    private long free() throws Exception {
        long previous = -1;
        for (int i = 0; i < 20; i++) {
            run("sync", "-f", dataRoot.toString());
            long now = Files.getFileStore(dataRoot).getUsableSpace();
            if (now == previous) {
                return now;
            }
            previous = now;
            Thread.sleep(250);
        }
        return previous;
    }

    private String du() throws Exception {
        Process du = new ProcessBuilder("du", "-a", "-k", "-d", "3", dataRoot.toString()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        du.waitFor();
        return out.lines().filter(line -> !line.startsWith("0\t") && !line.startsWith("4\t")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** A docker-save archive of one image whose one layer holds {@code size} random bytes. */
    private static Path saveArchive(Path folder, long size) throws Exception {
        Files.createDirectories(folder);
        Path layer = tar(folder.resolve("layer.tar"), size);
        String diffId = "sha256:" + sha256(layer);
        Files.writeString(folder.resolve("config.json"), "{\"architecture\":\"" + goArch() + "\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}");
        Files.writeString(folder.resolve("manifest.json"),
                "[{\"Config\":\"config.json\",\"RepoTags\":[\"localhost/it/loaded:1\"],\"Layers\":[\"layer.tar\"]}]");
        Path archive = folder.resolveSibling(folder.getFileName() + ".tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (String name : new String[] {"manifest.json", "config.json", "layer.tar"}) {
                out.putArchiveEntry(out.createArchiveEntry(folder.resolve(name).toFile(), name));
                Files.copy(folder.resolve(name), out);
                out.closeArchiveEntry();
            }
        }
        return archive;
    }

    /** A layer tar with one file of {@code size} random (incompressible) bytes. */
    private static Path tar(Path path, long size) throws IOException {
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(path))) {
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry = new TarArchiveEntry("data");
            entry.setSize(size);
            entry.setMode(0100644);
            out.putArchiveEntry(entry);
            writeRandom(out, size);
            out.closeArchiveEntry();
        }
        return path;
    }

    private static void random(Path path, long size) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            writeRandom(out, size);
        }
    }

    private static void writeRandom(OutputStream out, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(size);
        byte[] block = new byte[1 << 16];
        for (long left = size; left > 0; left -= block.length) {
            random.nextBytes(block);
            out.write(block, 0, (int) Math.min(block.length, left));
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String goArch() {
        return System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    }

    /** A docker-registry on loopback, storing outside the small data root. */
    private String registry() throws Exception {
        if (registry != null) {
            throw new IllegalStateException("one registry per class");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path root = Files.createDirectories(dir.resolve("registry"));
        Path config = root.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + root.resolve("data") + "\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n");
        registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve("log").toFile()).start();
        for (int i = 0; i < 150; i++) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return "127.0.0.1:" + port;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("docker-registry did not listen: " + Files.readString(root.resolve("log")));
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), "docker " + String.join(" ", args) + ": " + result.out() + result.err());
        return result.out();
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + out);
    }
}
