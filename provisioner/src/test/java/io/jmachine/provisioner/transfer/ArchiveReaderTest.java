package io.jmachine.provisioner.transfer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crafted archives that import must refuse before writing outside, or more than, what it should. */
class ArchiveReaderTest {

    private static final long ONE_GIB = 1L << 30;

    @TempDir
    Path dir;

    private interface Entries {
        void add(TarArchiveOutputStream tar) throws IOException;
    }

    private static byte[] tar(Entries entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.add(tar);
            tar.finish();
        }
        return bytes.toByteArray();
    }

    /** A tar header with no data after it (a size in star's binary form where it passes the octal field's 8 GiB). */
    private static byte[] headerOnly(TarArchiveEntry entry) throws IOException {
        byte[] header = new byte[512];
        entry.writeEntryHeader(header, org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8"), true);
        return Arrays.copyOf(header, 4096);
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private String refused(byte[] archive) throws IOException {
        Path target = Files.createDirectories(dir.resolve("target"));
        String message = assertThrows(ArchiveReader.ArchiveException.class,
                () -> new ArchiveReader(ONE_GIB).extract(new ByteArrayInputStream(archive), target)).getMessage();
        assertTrue(!Files.exists(dir.resolve("escaped")), "nothing was written outside the target");
        return message;
    }

    @Test
    void aMachinesPlainFilesAreUnpackedOwnerOnly() throws IOException {
        byte[] archive = tar(tar -> {
            file(tar, "machine.json", "{}");
            file(tar, "id_machine", "key");
        });
        Path target = Files.createDirectories(dir.resolve("target"));
        Set<String> names = new ArchiveReader(ONE_GIB).extract(new ByteArrayInputStream(archive), target);
        assertEquals(Set.of("machine.json", "id_machine"), names);
        assertEquals("key", Files.readString(target.resolve("id_machine")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("id_machine"))));
    }

    @Test
    void anEntryWithDotDotIsRefused() throws IOException {
        String message = refused(tar(tar -> {
            file(tar, "machine.json", "{}");
            file(tar, "../escaped", "x");
        }));
        assertTrue(message.contains("../escaped") && message.contains("outside"), message);
    }

    @Test
    void anAbsolutePathOrAFolderIsRefused() throws IOException {
        String absolute = refused(tar(tar -> file(tar, "/tmp/escaped", "x")));
        assertTrue(absolute.contains("outside") || absolute.contains("not a plain file"), absolute);
        assertTrue(refused(tar(tar -> file(tar, "sub/file", "x"))).contains("not a plain file"));
    }

    @Test
    void aSymlinkOutIsRefused() throws IOException {
        String message = refused(tar(tar -> {
            TarArchiveEntry link = new TarArchiveEntry("known_hosts", TarConstants.LF_SYMLINK);
            link.setLinkName("/etc/passwd");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }));
        assertTrue(message.contains("is a link (to /etc/passwd)"), message);
    }

    @Test
    void aHardLinkIsRefused() throws IOException {
        String message = refused(tar(tar -> {
            TarArchiveEntry link = new TarArchiveEntry("id_machine", TarConstants.LF_LINK);
            link.setLinkName("../../etc/shadow");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }));
        assertTrue(message.contains("link"), message);
    }

    @Test
    void aTenGigabyteDiskHeaderIsRefusedBeforeAnythingIsWritten() throws IOException {
        // a header that claims 10 GB of (sparse, absent) data: refused on the header, no file is made
        TarArchiveEntry disk = new TarArchiveEntry("disk.qcow2");
        disk.setSize(10_000_000_000L);
        String message = refused(headerOnly(disk));
        assertTrue(message.contains("disk.qcow2 says it is 10000000000 bytes") && message.contains("room"), message);
        assertTrue(!Files.exists(dir.resolve("target/disk.qcow2")));
    }

    @Test
    void aLargeSmallFileIsRefused() throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry("machine.json");
        entry.setSize(ArchiveReader.MAX_SMALL_FILE + 1);
        assertTrue(refused(headerOnly(entry)).contains("machine.json says it is"));
    }

    @Test
    void aTruncatedArchiveIsRefused() throws IOException {
        byte[] whole = tar(tar -> file(tar, "machine.json", "x".repeat(5000)));
        assertTrue(refused(Arrays.copyOf(whole, 2048)).contains("truncated"));
    }

    @Test
    void aFileTwiceOrNoMachineJsonIsRefused() throws IOException {
        assertTrue(refused(tar(tar -> file(tar, "id_machine", "k"))).contains("has no machine.json"));
        String twice = refused(tar(tar -> {
            file(tar, "machine.json", "{}");
            file(tar, "machine.json", "{}");
        }));
        assertTrue(twice.contains("twice") || twice.contains("FileAlreadyExists") || twice.contains("machine.json"), twice);
    }

    @Test
    void anOverlayDiskIsRefused() throws IOException {
        byte[] overlay = new byte[64];
        overlay[0] = 'Q';
        overlay[1] = 'F';
        overlay[2] = 'I';
        overlay[3] = (byte) 0xfb;
        overlay[15] = 0x70;
        Path disk = Files.write(dir.resolve("disk.qcow2"), overlay);
        assertTrue(assertThrows(ArchiveReader.ArchiveException.class, () -> MachineTransfer.checkDisk(disk)).getMessage().contains("overlay"));
        overlay[15] = 0;
        Files.write(disk, overlay);
        MachineTransfer.checkDisk(disk);
        Files.writeString(disk, "not a disk at all");
        assertTrue(assertThrows(ArchiveReader.ArchiveException.class, () -> MachineTransfer.checkDisk(disk)).getMessage().contains("not a qcow2"));
    }
}
