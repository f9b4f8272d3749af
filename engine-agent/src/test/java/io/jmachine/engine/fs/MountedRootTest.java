package io.jmachine.engine.fs;

import io.jmachine.engine.archive.TarExtractor;
import io.jmachine.engine.archive.TarWriter;
import io.jmachine.engine.testing.TarBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A root with a container's volumes and binds on it, seen as the container sees them: paths below a mount resolve in
 * the mount, links lead into mounts and out of them within the view and never to the host around a mount's folder,
 * read-only mounts refuse changes, and tars are unpacked into and written from the mounts.
 */
class MountedRootTest {

    @TempDir
    Path dir;

    Path rootfs;
    Path volume;
    Path readOnly;
    Path hostFile;

    @BeforeEach
    void layout() throws IOException {
        rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/secret"), "container");
        Files.createDirectories(rootfs.resolve("data")); // the mount point, hidden by the volume
        Files.writeString(rootfs.resolve("data/hidden"), "under the mount");
        // each mount's host folder sits next to a host secret a link must never reach
        volume = Files.createDirectories(dir.resolve("volumes/v1/_data"));
        Files.writeString(dir.resolve("volumes/v1/secret"), "host");
        Files.writeString(volume.resolve("file"), "in the volume");
        readOnly = Files.createDirectories(dir.resolve("ro"));
        Files.writeString(readOnly.resolve("file"), "read-only");
        hostFile = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    }

    Root open() throws IOException {
        return Root.open(rootfs, List.of(new Root.Mount("/data", volume, false), new Root.Mount("/srv/ro", readOnly, true),
                new Root.Mount("/etc/hosts", hostFile, false)));
    }

    static String read(Root root, String path) throws IOException {
        try (Folder.OpenFile file = root.read(path)) {
            return new String(Channels.newInputStream(file.channel()).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void pathsBelowAMountAreTheMountsFiles() throws IOException {
        try (Root root = open()) {
            assertEquals("in the volume", read(root, "/data/file"));
            assertFalse(root.find("/data/hidden", false).isPresent(), "what the mount hides is not seen");
            assertEquals("read-only", read(root, "/srv/ro/file"), "a mount point the root lacks is still seen");
            assertEquals("127.0.0.1 localhost\n", read(root, "/etc/hosts"), "a mounted file");
            assertEquals("container", read(root, "/etc/secret"));
            try (Root.Located data = root.locate("/data")) {
                assertEquals("", data.name(), "the mount point is located as the mounted folder itself");
                assertTrue(data.parent().find("file").isPresent());
            }
        }
    }

    @Test
    void linksFromTheRootLeadIntoMounts() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("abs"), Path.of("/data/file"));
        Files.createSymbolicLink(rootfs.resolve("etc/rel"), Path.of("../data"));
        try (Root root = open()) {
            assertEquals("in the volume", read(root, "/abs"));
            assertEquals("in the volume", read(root, "/etc/rel/file"));
            assertEquals("data/file", root.realPath("/etc/rel/file", true));
            assertEquals("data", root.mountOf("/etc/rel").orElseThrow().destination().substring(1));
        }
    }

    @Test
    void linksInAMountLeadOutOfItIntoTheViewNeverToTheHost() throws IOException {
        Files.createSymbolicLink(volume.resolve("up"), Path.of("../secret"));
        Files.createSymbolicLink(volume.resolve("far"), Path.of("../../../../../../secret"));
        Files.createSymbolicLink(volume.resolve("abs"), Path.of("/etc/secret"));
        Files.createSymbolicLink(volume.resolve("host"), dir.resolve("volumes/v1/secret"));
        try (Root root = open()) {
            assertThrows(NoSuchFileException.class, () -> read(root, "/data/up"), "../ from the mount's top is the root's /");
            assertThrows(NoSuchFileException.class, () -> read(root, "/data/far"));
            assertThrows(NoSuchFileException.class, () -> read(root, "/data/host"), "a host path means that path in the view");
            assertEquals("container", read(root, "/data/abs"), "an absolute link starts at the view's root");
            assertEquals("container", read(root, "/data/../etc/secret"));
            assertEquals("etc/secret", root.realPath("/data/abs", true));
            assertTrue(root.mountOf("/data/abs").isEmpty(), "it left the mount");
        }
    }

    @Test
    void aReadOnlyMountRefusesChangesAlsoThroughLinks() throws IOException {
        Files.createSymbolicLink(volume.resolve("to-ro"), Path.of("/srv/ro"));
        try (Root root = open()) {
            for (String path : List.of("/srv/ro", "/data/to-ro")) {
                try (Folder folder = root.folder(path)) {
                    assertTrue(folder.isReadOnly(), path);
                    FileSystemException e = assertThrows(FileSystemException.class, () -> folder.create("new").close());
                    assertEquals("read-only file system", e.getReason(), path);
                    assertThrows(FileSystemException.class, () -> folder.delete("file"));
                    assertThrows(FileSystemException.class, () -> folder.chmod("file", 0777));
                }
            }
            assertTrue(root.mountOf("/data/to-ro").orElseThrow().readOnly());
            try (Folder data = root.folder("/data")) {
                assertFalse(data.isReadOnly());
            }
        }
        assertEquals(List.of("file"), List.of(readOnly.toFile().list()));
    }

    @Test
    void aMountUnderALinkIsPlacedWhereTheLinkLeads() throws IOException {
        Files.createDirectories(rootfs.resolve("run"));
        Files.createSymbolicLink(rootfs.resolve("var-run"), Path.of("/run"));
        try (Root root = Root.open(rootfs, List.of(new Root.Mount("/var-run/vol", volume, false)))) {
            assertEquals("in the volume", read(root, "/run/vol/file"), "where the runtime mounts it");
            assertEquals("in the volume", read(root, "/var-run/vol/file"));
        }
    }

    @Test
    void aTarUnpacksIntoTheMountsBelowItsFolder() throws IOException {
        byte[] tar = new TarBuilder().dir("data").file("data/new", "landed").file("etc/added", "in the root").build();
        try (Root root = open()) {
            TarExtractor.extract(new ByteArrayInputStream(tar), root, "/", TarExtractor.Options.PLAIN);
        }
        assertEquals("landed", Files.readString(volume.resolve("new")));
        assertFalse(Files.exists(rootfs.resolve("data/new")));
        assertEquals("in the root", Files.readString(rootfs.resolve("etc/added")));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(volume), "the folder entry's metadata is the mounted folder's");
    }

    @Test
    void aTarEntryOverAMountPointOrIntoAReadOnlyMountFails() throws IOException {
        try (Root root = open()) {
            IOException busy = assertThrows(IOException.class, () -> TarExtractor.extract(
                    new ByteArrayInputStream(new TarBuilder().file("data", "over the mount").build()), root, "/", TarExtractor.Options.PLAIN));
            assertTrue(busy.getMessage().contains("mounted there"), busy.getMessage());
            IOException readOnlyFile = assertThrows(IOException.class, () -> TarExtractor.extract(
                    new ByteArrayInputStream(new TarBuilder().symlink("l", "/srv/ro").file("l/x", "x").build()), root, "/data",
                    TarExtractor.Options.PLAIN));
            assertTrue(readOnlyFile.getMessage().contains("read-only file system"), readOnlyFile.getMessage());
        }
        assertTrue(Files.isDirectory(rootfs.resolve("data")));
        assertFalse(Files.exists(readOnly.resolve("x")));
    }

    @Test
    void aWrittenTreeHoldsWhatIsMountedInIt() throws IOException {
        List<String> entries = new ArrayList<>();
        try (Root root = open(); Root.Located top = root.locate("/")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (TarWriter writer = new TarWriter(out, TarWriter.Markers.AS_IS)) {
                writer.write(root, top, "", "root");
                writer.finish();
            }
            try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
                for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                    entries.add(e.getName());
                }
            }
        }
        assertEquals(List.of("root/", "root/data/", "root/data/file", "root/etc/", "root/etc/hosts", "root/etc/secret", "root/srv/",
                "root/srv/ro/", "root/srv/ro/file"), entries);
    }
}
