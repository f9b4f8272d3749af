package io.jmachine.provisioner.transfer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The tar `export` writes: the machine folder's plain files (config, certificates, keys, known hosts, the seed) flat at
 * the top, and with a disk, {@value #DISK} as a standalone image. What only this host needs stays out.
 */
public final class MachineArchive {

    public static final String CONFIG = "machine.json";
    public static final String DISK = "disk.qcow2";
    /** The overlay disk (replaced by a standalone one, or left out), the console log, the first boot's bundle copy. */
    private static final Set<String> LEFT_OUT = Set.of(DISK, "console.log", "bundle.img");

    private MachineArchive() {
    }

    /** @param disk the standalone disk to add as {@value #DISK}, or null */
    public static void write(Path machineDir, Path disk, OutputStream target) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(machineDir)) {
            files = listing.filter(Files::isRegularFile).filter(f -> !Files.isSymbolicLink(f))
                    .filter(f -> !LEFT_OUT.contains(f.getFileName().toString()) && !f.getFileName().toString().endsWith(".tmp"))
                    .sorted().toList();
        }
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(target)) {
            // a disk may pass 8 GiB, the plain tar header's limit
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path file : files) {
                add(tar, file, file.getFileName().toString());
            }
            if (disk != null) {
                add(tar, disk, DISK);
            }
            tar.finish();
        }
    }

    private static void add(TarArchiveOutputStream tar, Path file, String name) throws IOException {
        // name, size, mode and time only: file attributes would add pax keywords (LIBARCHIVE.creationtime) GNU tar warns about
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(Files.size(file));
        entry.setModTime(Files.getLastModifiedTime(file));
        entry.setMode(0100600);
        tar.putArchiveEntry(entry);
        Files.copy(file, tar);
        tar.closeArchiveEntry();
    }
}
