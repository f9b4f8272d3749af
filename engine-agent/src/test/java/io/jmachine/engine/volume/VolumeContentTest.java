package io.jmachine.engine.volume;

import io.jmachine.engine.archive.LinuxFiles;
import io.jmachine.engine.fs.Root;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Copy-up on a real file system; runs as root, as the engine does, to check owners. */
class VolumeContentTest {

    @TempDir
    Path dir;

    @Test
    void anEmptyVolumeGetsTheImageFolderWithOwnersModesLinksAndTimes() throws Exception {
        Path image = Files.createDirectories(dir.resolve("image/data"));
        Files.writeString(image.resolve("seed"), "from the image");
        Files.setAttribute(image.resolve("seed"), "unix:uid", 1234);
        Files.setAttribute(image.resolve("seed"), "unix:mode", 0640);
        Files.createDirectories(image.resolve("sub/deeper"));
        Files.setAttribute(image.resolve("sub"), "unix:gid", 4321);
        Files.setAttribute(image.resolve("sub"), "unix:mode", 02750);
        Files.createSymbolicLink(image.resolve("link"), Path.of("seed"));
        Files.setAttribute(image.resolve("link"), "unix:uid", 1234, LinkOption.NOFOLLOW_LINKS);
        Files.createLink(image.resolve("hard"), image.resolve("seed"));
        LinuxFiles.mkfifo(image.resolve("pipe"), 0600);
        Files.setAttribute(image.resolve("pipe"), "unix:uid", 1234);
        Files.writeString(image.resolve("setuid"), "#!/bin/sh\n");
        Files.setAttribute(image.resolve("setuid"), "unix:uid", 1234);
        Files.setAttribute(image.resolve("setuid"), "unix:mode", 04755);
        FileTime old = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));
        Files.setLastModifiedTime(image.resolve("sub"), old);
        Files.setAttribute(image, "unix:uid", 33);
        Files.setAttribute(image, "unix:mode", 01777);
        Path volume = Files.createDirectories(dir.resolve("volume/_data"));

        assertTrue(populate(dir.resolve("image"), "/data", volume));

        assertEquals("from the image", Files.readString(volume.resolve("seed")));
        assertEquals(1234, Files.getAttribute(volume.resolve("seed"), "unix:uid"));
        assertEquals(0640, (Integer) Files.getAttribute(volume.resolve("seed"), "unix:mode") & 07777);
        assertEquals(04755, (Integer) Files.getAttribute(volume.resolve("setuid"), "unix:mode") & 07777, "set-id bits survive the chown");
        assertEquals(4321, Files.getAttribute(volume.resolve("sub"), "unix:gid"));
        assertEquals(02750, (Integer) Files.getAttribute(volume.resolve("sub"), "unix:mode") & 07777);
        assertEquals(old, Files.getLastModifiedTime(volume.resolve("sub")), "folder times survive their content's copy");
        assertTrue(Files.isDirectory(volume.resolve("sub/deeper")));
        assertEquals(Path.of("seed"), Files.readSymbolicLink(volume.resolve("link")));
        assertEquals(1234, Files.getAttribute(volume.resolve("link"), "unix:uid", LinkOption.NOFOLLOW_LINKS), "links keep their owner");
        assertTrue(Files.isSameFile(volume.resolve("seed"), volume.resolve("hard")), "hard links stay links");
        assertTrue(Files.getAttribute(volume.resolve("pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer mode
                && (mode & LinuxFiles.S_IFIFO) != 0, "a fifo stays a fifo");
        assertEquals(1234, Files.getAttribute(volume.resolve("pipe"), "unix:uid"));
        assertEquals(33, Files.getAttribute(volume, "unix:uid"), "the volume's root takes the folder's owner");
        assertEquals(01777, (Integer) Files.getAttribute(volume, "unix:mode") & 07777, "and its mode");
    }

    @Test
    void aVolumeThatHoldsAnythingIsLeftAlone() throws Exception {
        Path image = Files.createDirectories(dir.resolve("image"));
        Files.writeString(image.resolve("seed"), "image");
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Files.writeString(volume.resolve("mine"), "user data");

        assertFalse(populate(dir, "/image", volume));
        assertFalse(Files.exists(volume.resolve("seed")));
        assertEquals("user data", Files.readString(volume.resolve("mine")));
    }

    @Test
    void nothingIsCopiedWhereTheImageHasNoFolder() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        Files.writeString(dir.resolve("file"), "x");
        assertFalse(populate(dir, "/missing", volume));
        assertFalse(populate(dir, "/file", volume));
        try (var entries = Files.list(volume)) {
            assertTrue(entries.findAny().isEmpty());
        }
    }

    @Test
    void theImageFolderIsFoundInsideTheRootWhateverLinksLeadTo() throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Path host = Files.createDirectories(dir.resolve("host"));
        Files.writeString(host.resolve("secret"), "host file");
        Files.createSymbolicLink(rootfs.resolve("data"), host);
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "image file");
        Files.createSymbolicLink(rootfs.resolve("conf"), Path.of("../../../../etc"));
        Path volume = Files.createDirectories(dir.resolve("volume"));
        assertFalse(populate(rootfs, "/data", volume), "the host folder's path means nothing inside the root");
        assertTrue(populate(rootfs, "/conf", volume));
        assertEquals("image file", Files.readString(volume.resolve("passwd")));
        assertFalse(Files.exists(volume.resolve("secret")));
    }

    private static boolean populate(Path rootfs, String destination, Path volume) throws Exception {
        try (Root root = Root.open(rootfs)) {
            return VolumeContent.populate(root, destination, volume);
        }
    }
}
