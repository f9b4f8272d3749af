package io.jmachine.engine.archive;

import io.jmachine.engine.testing.TarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layers as dockerd writes them: device nodes, fifos, POSIX ACLs and binary attributes from a tar made by GNU tar
 * (as mmdebstrap and debootstrap make base images), and attributes the file system refuses skipped, not failed.
 */
class SpecialFilesTest {

    /** ACL tags and the "undefined id" of entries without one (linux/posix_acl_xattr.h). */
    private static final short USER_OBJ = 0x01;
    private static final short USER = 0x02;
    private static final short GROUP_OBJ = 0x04;
    private static final short MASK = 0x10;
    private static final short OTHER = 0x20;
    private static final int UNDEFINED = -1;

    @TempDir
    Path dir;

    /** An ACL in the kernel's xattr format: version 2, then (tag, permissions, id) per entry. */
    private static byte[] acl(int... entries) {
        ByteBuffer acl = ByteBuffer.allocate(4 + entries.length / 3 * 8).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
        for (int i = 0; i < entries.length; i += 3) {
            acl.putShort((short) entries[i]).putShort((short) entries[i + 1]).putInt(entries[i + 2]);
        }
        return acl.array();
    }

    private static final byte[] JOURNAL_ACL = acl(USER_OBJ, 7, UNDEFINED, USER, 5, 1000, GROUP_OBJ, 5, UNDEFINED, MASK, 5, UNDEFINED,
            OTHER, 5, UNDEFINED);

    private static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }

    private static Map<String, Object> stat(Path path) throws IOException {
        return Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
    }

    /** The tree a minbase rootfs has of each kind, made for real and archived by GNU tar as mmdebstrap does. */
    private byte[] gnuTarOfSpecialFiles() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(src.resolve("dev"));
        Files.createDirectories(src.resolve("run"));
        Path journal = Files.createDirectories(src.resolve("var/log/journal"));
        run("mknod", "-m", "600", src.resolve("dev/console").toString(), "c", "5", "1");
        run("mknod", "-m", "660", src.resolve("dev/loop0").toString(), "b", "7", "0");
        run("mknod", "-m", "640", src.resolve("run/initctl").toString(), "p");
        LinuxFiles.setXattr(journal, "system.posix_acl_access", JOURNAL_ACL);
        LinuxFiles.setXattr(journal, "system.posix_acl_default", JOURNAL_ACL);
        Path binary = Files.writeString(src.resolve("binary"), "x");
        LinuxFiles.setXattr(binary, "user.binary", allBytes());
        Path tar = dir.resolve("special.tar");
        run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "--format=pax", "-C", src.toString(), "-cf", tar.toString(), ".");
        return Files.readAllBytes(tar);
    }

    @Test
    void devicesFifosAndAclsOfAGnuTarAreMadeAsTheArchiveHasThem() throws Exception {
        byte[] tar = gnuTarOfSpecialFiles();
        Path root = Files.createDirectories(dir.resolve("root"));
        TarExtractor.extract(new ByteArrayInputStream(tar), root, TarExtractor.Options.LAYER);

        Map<String, Object> console = stat(root.resolve("dev/console"));
        assertEquals(0020600, (Integer) console.get("mode"), "a character device, mode 600");
        assertEquals(5L << 8 | 1, console.get("rdev"), "numbered 5:1");
        Map<String, Object> loop = stat(root.resolve("dev/loop0"));
        assertEquals(0060660, (Integer) loop.get("mode"), "a block device, mode 660");
        assertEquals(7L << 8, loop.get("rdev"), "numbered 7:0");
        assertEquals(0010640, (Integer) stat(root.resolve("run/initctl")).get("mode"), "a fifo, mode 640");

        Path journal = root.resolve("var/log/journal");
        assertArrayEquals(JOURNAL_ACL, LinuxFiles.getXattr(journal, "system.posix_acl_access"), "the access ACL, byte for byte");
        assertArrayEquals(JOURNAL_ACL, LinuxFiles.getXattr(journal, "system.posix_acl_default"), "the default ACL, byte for byte");
        assertEquals(040755, (Integer) stat(journal).get("mode"), "the mode as the archive has it, the ACL's mask in the group bits");
        assertArrayEquals(allBytes(), LinuxFiles.getXattr(root.resolve("binary"), "user.binary"), "binary values are kept");
    }

    @Test
    void whatTheWriterArchivesTheExtractorMakesAgainByteForByte() throws Exception {
        byte[] gnu = gnuTarOfSpecialFiles();
        Path first = Files.createDirectories(dir.resolve("first"));
        TarExtractor.extract(new ByteArrayInputStream(gnu), first, TarExtractor.Options.PLAIN);

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (TarWriter writer = new TarWriter(written, TarWriter.Markers.AS_IS)) {
            writer.writeContents(first);
            writer.finish();
        }
        Path second = Files.createDirectories(dir.resolve("second"));
        TarExtractor.extract(new ByteArrayInputStream(written.toByteArray()), second, TarExtractor.Options.PLAIN);

        assertArrayEquals(JOURNAL_ACL, LinuxFiles.getXattr(second.resolve("var/log/journal"), "system.posix_acl_default"));
        assertArrayEquals(allBytes(), LinuxFiles.getXattr(second.resolve("binary"), "user.binary"));
        assertEquals(5L << 8 | 1, stat(second.resolve("dev/console")).get("rdev"));
        // GNU tar reads the writer's attributes as it reads its own
        Path third = Files.createDirectories(dir.resolve("third"));
        Path tar = Files.write(dir.resolve("written.tar"), written.toByteArray());
        run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-C", third.toString(), "-xf", tar.toString());
        assertArrayEquals(allBytes(), LinuxFiles.getXattr(third.resolve("binary"), "user.binary"));
        assertArrayEquals(JOURNAL_ACL, LinuxFiles.getXattr(third.resolve("var/log/journal"), "system.posix_acl_default"));
    }

    @Test
    void attributesTheFileSystemRefusesAreSkippedNotFailed() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] tar = new TarBuilder()
                .xattr("bad-acl", "system.posix_acl_access", "not an ACL") // EINVAL
                .xattr("unknown-namespace", "nosuch.attribute", "x") // EOPNOTSUPP
                .file("after", "still unpacked")
                .build();
        TarExtractor.extract(new ByteArrayInputStream(tar), root, TarExtractor.Options.LAYER);
        assertTrue(Files.exists(root.resolve("bad-acl")));
        assertNull(LinuxFiles.getXattr(root.resolve("bad-acl"), "system.posix_acl_access"));
        assertTrue(Files.exists(root.resolve("unknown-namespace")));
        assertEquals("still unpacked", Files.readString(root.resolve("after")));
    }

    @Test
    void anInvalidAttributeThatIsNoAclStillFails() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] tar = new TarBuilder().xattr("ping", "security.capability", "not a capability set").build();
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> TarExtractor.extract(new ByteArrayInputStream(tar), root, TarExtractor.Options.LAYER));
        assertTrue(e.getMessage().contains("security.capability"), e.getMessage());
    }

    @Test
    void escapesStayRefusedWithDevicesAllowed() throws Exception {
        Path root = Files.createDirectories(dir.resolve("a/root"));
        for (byte[] tar : List.of(new TarBuilder().charDevice("../console", 5, 1).build(),
                new TarBuilder().charDevice("x/../../console", 5, 1).build())) {
            org.junit.jupiter.api.Assertions.assertThrows(io.jmachine.engine.errors.EngineException.class,
                    () -> TarExtractor.extract(new ByteArrayInputStream(tar), root, TarExtractor.Options.LAYER));
        }
        assertFalse(Files.exists(dir.resolve("a/console"), LinkOption.NOFOLLOW_LINKS));
        // a device behind a link that points out is made inside the root
        Path outside = Files.createDirectories(dir.resolve("outside"));
        TarExtractor.extract(new ByteArrayInputStream(new TarBuilder().symlink("out", outside.toString())
                .charDevice("out/console", 5, 1).build()), root, TarExtractor.Options.LAYER);
        assertFalse(Files.exists(outside.resolve("console"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(root.resolve(outside.toString().substring(1)).resolve("console"), LinkOption.NOFOLLOW_LINKS));
    }
}
