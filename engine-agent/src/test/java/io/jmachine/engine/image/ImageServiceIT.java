package io.jmachine.engine.image;

import io.jmachine.engine.archive.LinuxFiles;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.TarBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real overlay mounts of real layers: what a container sees, where its writes go, what commit makes of them. */
class ImageServiceIT {

    @TempDir
    Path dir;

    private Path dataRoot;
    private ImageService images;

    @BeforeEach
    void open() throws IOException {
        dataRoot = Files.createDirectories(dir.resolve("data"));
        images = ImageService.open(dataRoot);
    }

    @AfterEach
    void nothingStaysMounted() throws IOException {
        List<String> leaks = overlayMountsUnder(dir);
        for (String mount : leaks.reversed()) {
            LinuxFiles.umount(Path.of(mount), LinuxFiles.MNT_DETACH); // so that a failed test does not leak mounts
        }
        assertEquals(List.of(), leaks, "overlay mounts left behind");
    }

    static List<String> overlayMountsUnder(Path root) throws IOException {
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] fields = line.split(" ");
            if (fields[2].equals("overlay") && fields[1].startsWith(root.toString())) {
                mounts.add(fields[1]);
            }
        }
        return mounts;
    }

    private Image importBusybox() throws Exception {
        try (InputStream in = Files.newInputStream(BusyboxRootfs.tar(dir))) {
            return images.importImage(in, "localhost/acc/busybox:1", null, List.of("CMD [\"sh\"]"), null);
        }
    }

    @Test
    void anImportThatFailsAfterItStoredTheLayerTarKeepsNeitherTarNorLayer() throws Exception {
        // the tar is stored whole before the entry that climbs out of the layer refuses its unpacking
        byte[] tar = new TarBuilder().file("big", "x".repeat(1 << 20)).file("../evil", "x").build();
        assertThrows(io.jmachine.engine.errors.EngineException.class,
                () -> images.importImage(new ByteArrayInputStream(tar), "localhost/acc/bad:1", null, List.of(), null));
        try (var blobs = Files.list(dataRoot.resolve("image/content/blobs/sha256"));
             var layers = Files.list(dataRoot.resolve("overlay2"))) {
            assertEquals(List.of(), blobs.toList(), "layer tars");
            assertEquals(List.of(), layers.map(p -> p.getFileName().toString()).filter(n -> n.length() == 64 || n.startsWith(".tmp-"))
                    .toList(), "unpacked layers, whole or staged");
        }
        assertEquals(List.of(), images.all());
    }

    @Test
    void aContainerSeesItsImageAndWritesLandInItsUpperFolder() throws Exception {
        Image image = importBusybox();
        ContainerRootfs rootfs = images.mountRootfs("c1", image.id());
        assertTrue(Files.isRegularFile(rootfs.merged().resolve("bin/busybox")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(rootfs.merged().resolve("bin/sh")));
        assertTrue(Files.exists(rootfs.merged().resolve("etc/hosts")), "the init layer's mount points are there");
        assertEquals(rootfs, images.mountRootfs("c1", image.id()), "mounting again is a no-op");

        Files.writeString(rootfs.merged().resolve("marker"), "data\n");
        Files.delete(rootfs.merged().resolve("etc/group"));
        assertEquals("data\n", Files.readString(rootfs.upper().resolve("marker")));
        assertEquals(0L, Files.getAttribute(rootfs.upper().resolve("etc/group"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(rootfs.upper().resolve("etc/hosts")), "init files stay out of the container's changes");

        Image committed = images.commit(new CommitRequest("c1", "localhost/acc/modified", "1", "acc", "marker",
                List.of("ENV A=1"), null, "sh -c echo data > /marker"));
        assertEquals(2, committed.config().diffIds().size());
        assertEquals(image.id(), committed.parent());
        assertEquals(List.of("A=1"), committed.config().config().env());
        assertEquals(List.of("sh"), committed.config().config().cmd());
        List<java.util.Map<String, Object>> history = new ImageViews(images).history("localhost/acc/modified:1");
        assertEquals(List.of(committed.id().toString(), image.id().toString()), history.stream().map(h -> h.get("Id")).toList());
        assertEquals("marker", history.getFirst().get("Comment"));

        ContainerRootfs second = images.mountRootfs("c2", committed.id());
        assertEquals("data\n", Files.readString(second.merged().resolve("marker")));
        assertFalse(Files.exists(second.merged().resolve("etc/group")), "the whiteout went through commit");
        assertTrue(Files.exists(second.merged().resolve("etc/passwd")));

        ByteArrayOutputStream export = new ByteArrayOutputStream();
        images.exportRootfs("c2", export);
        List<String> names = names(export.toByteArray());
        assertTrue(names.contains("marker") && names.contains("bin/busybox") && !names.contains("etc/group"), names.toString());

        images.removeRootfs("c1");
        images.removeRootfs("c2");
        images.removeRootfs("c2");
        assertEquals(List.of(), overlayMountsUnder(dir));
        assertFalse(Files.exists(rootfs.merged()));
    }

    @Test
    void aRootWhoseOverlayOptionsOutgrowAPageStillMountsThroughRelativePaths() throws Exception {
        // a data root this deep makes the absolute options (four paths under it) longer than mount(2) takes
        Path deep = dir;
        for (int i = 0; i < 7; i++) {
            deep = deep.resolve(String.valueOf((char) ('a' + i)).repeat(200));
        }
        dataRoot = Files.createDirectories(deep.resolve("data"));
        images = ImageService.open(dataRoot);
        Image image = importBusybox();
        ContainerRootfs rootfs = images.mountRootfs("c1", image.id());
        assertTrue(rootfs.merged().toString().length() * 4 > RootfsStore.MOUNT_DATA_MAX, "the options would outgrow a page");
        assertTrue(Files.isRegularFile(rootfs.merged().resolve("bin/busybox")));
        Files.writeString(rootfs.merged().resolve("marker"), "data\n");
        assertEquals("data\n", Files.readString(rootfs.upper().resolve("marker")));
        images.removeRootfs("c1");
        assertEquals(List.of(), overlayMountsUnder(dir));
    }

    @Test
    void layersAreKeptOnceAndASavedImageLoadsBackWithTheSameIds() throws Exception {
        Image base = importBusybox();
        ContainerRootfs rootfs = images.mountRootfs("c1", base.id());
        Files.writeString(rootfs.merged().resolve("marker"), "data\n");
        Files.delete(rootfs.merged().resolve("etc/group"));
        Image committed = images.commit(new CommitRequest("c1", "localhost/acc/modified", "1", "acc", null, List.of(), null, null));
        images.removeRootfs("c1");
        for (Digest diffId : committed.config().diffIds()) {
            assertFalse(images.content().contains(diffId), "layer tar " + diffId + " is not kept beside its files");
            assertTrue(images.tars().contains(diffId));
        }

        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        images.save(images.planSave(List.of("localhost/acc/modified:1", "localhost/acc/busybox:1")), saved);
        ImageService other = ImageService.open(Files.createDirectories(dir.resolve("other")));
        other.load(new ByteArrayInputStream(saved.toByteArray()));
        assertEquals(committed.id(), other.resolve("localhost/acc/modified:1").id());
        assertEquals(base.id(), other.resolve("localhost/acc/busybox:1").id());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        other.save(other.planSave(List.of("localhost/acc/modified:1", "localhost/acc/busybox:1")), again);
        assertArrayEquals(saved.toByteArray(), again.toByteArray(), "the rebuilt layer tars are the loaded ones, byte for byte");
    }

    @Test
    void aDataRootThatStillHoldsLayerTarsKeepsWorkingAndDropsThemWhenTheLayerIsStoredAgain() throws Exception {
        Image base = importBusybox();
        Digest diffId = base.config().diffIds().getFirst();
        byte[] tar;
        try (InputStream in = images.tars().open(diffId)) {
            tar = in.readAllBytes();
        }
        // as an engine before records left it: the tar stored, no record beside the layer
        images.content().put(tar, diffId);
        Files.delete(images.layers().tarRecord(base.chainIds().getFirst()));
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        images.save(images.planSave(List.of("localhost/acc/busybox:1")), saved);
        assertTrue(saved.size() > tar.length);

        images.importImage(new ByteArrayInputStream(tar), "localhost/acc/again:1", null, List.of(), null);
        assertFalse(images.content().contains(diffId), "recorded at its next import, the old tar is dropped");
        assertTrue(Files.isRegularFile(images.layers().tarRecord(base.chainIds().getFirst())));
        try (InputStream in = images.tars().open(diffId)) {
            assertArrayEquals(tar, in.readAllBytes());
        }
    }

    @Test
    void aRootKeepsItsLayersAfterItsImageIsRemoved() throws Exception {
        Image image = importBusybox();
        ContainerRootfs rootfs = images.mountRootfs("c1", image.id());
        images.unmountRootfs("c1");
        images.remove("localhost/acc/busybox:1", true, true, ImageUsage.NONE);
        Path layer = images.layers().diffDir(image.chainIds().getFirst());
        assertTrue(Files.isDirectory(layer), "the container still stands on it");
        images.mountRootfs("c1", image.id());
        assertTrue(Files.isRegularFile(rootfs.merged().resolve("bin/busybox")));
        images.removeRootfs("c1");
        assertFalse(Files.exists(layer), "freed with the last root that used it");
    }

    @Test
    void removeRootfsCopesWithHalfMadeFolders() throws IOException {
        Path halfMade = Files.createDirectories(dataRoot.resolve("overlay2/containers/crashed/work/work"));
        Files.setPosixFilePermissions(halfMade, java.util.Set.of());
        images.removeRootfs("crashed");
        assertFalse(Files.exists(dataRoot.resolve("overlay2/containers/crashed")));
        images.removeRootfs("never-existed");
    }

    @Test
    void anImageWithoutLayersStillMounts() throws IOException {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"empty_layer\":true}]}").getBytes(StandardCharsets.UTF_8);
        Digest id = Digest.of(config);
        byte[] tar = new TarBuilder()
                .file("blobs/sha256/" + id.hex(), new String(config, StandardCharsets.UTF_8))
                .file("manifest.json", "[{\"Config\":\"blobs/sha256/" + id.hex() + "\",\"RepoTags\":[\"localhost/acc/empty:1\"],\"Layers\":[]}]")
                .build();
        assertEquals(List.of("Loaded image: localhost/acc/empty:1"), images.load(new ByteArrayInputStream(tar)));
        ContainerRootfs rootfs = images.mountRootfs("c1", id);
        Files.writeString(rootfs.merged().resolve("hello"), "hi");
        assertEquals("hi", Files.readString(rootfs.upper().resolve("hello")));
        images.removeRootfs("c1");
    }

    private static List<String> names(byte[] tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName().replaceAll("/$", ""));
            }
        }
        return names;
    }
}
