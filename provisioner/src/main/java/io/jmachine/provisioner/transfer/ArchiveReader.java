package io.jmachine.provisioner.transfer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Unpacks a machine archive into an empty folder, refusing it whole when it is not what export writes: only plain files
 * with plain names (no folders, no {@code ../}, no absolute paths, no links), each at most once, the disk within the room
 * there is, everything else small, machine.json present. Nothing is written for an entry before its header is checked.
 */
public final class ArchiveReader {

    /** Files other than the disk: keys, certificates, JSON, the seed. */
    static final long MAX_SMALL_FILE = 64L << 20;
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

    private final long maxDiskBytes;

    /** @param maxDiskBytes the largest disk accepted (the room left where it goes) */
    public ArchiveReader(long maxDiskBytes) {
        this.maxDiskBytes = maxDiskBytes;
    }

    /** @return the names of the files written into {@code target} */
    public Set<String> extract(InputStream archive, Path target) throws IOException {
        Set<String> names = new HashSet<>();
        long total = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = check(entry);
                if (!names.add(name)) {
                    throw new ArchiveException("the archive holds " + name + " twice");
                }
                total += entry.getSize();
                if (total > maxDiskBytes + MAX_SMALL_FILE) {
                    throw new ArchiveException("the archive's files add up to " + total + " bytes, more than the room there is");
                }
                Path file = target.resolve(name);
                long copied;
                // keys among them: readable by the owner only, as in the store
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                try (var out = Files.newOutputStream(file)) {
                    copied = tar.transferTo(out);
                }
                if (copied != entry.getSize()) {
                    throw new ArchiveException("the archive ends inside " + name + " (" + copied + " of " + entry.getSize() + " bytes): "
                            + "it is truncated");
                }
            }
        } catch (IOException e) {
            if (e instanceof ArchiveException) {
                throw e;
            }
            throw new ArchiveException("the archive cannot be read: " + e.getMessage() + " (truncated, or not a tar that export wrote?)");
        }
        if (!names.contains(MachineArchive.CONFIG)) {
            throw new ArchiveException("the archive has no " + MachineArchive.CONFIG + ": it is not a machine that `jmachine export` wrote");
        }
        return names;
    }

    private String check(TarArchiveEntry entry) throws ArchiveException {
        String name = entry.getName();
        if (name.contains("..") || name.startsWith("/") || name.contains("\\")) {
            throw new ArchiveException("the archive's entry " + name + " points outside the machine's folder (../ or an absolute path)");
        }
        if (entry.isSymbolicLink() || entry.isLink()) {
            throw new ArchiveException("the archive's entry " + name + " is a link (to " + entry.getLinkName() + "): machine archives hold "
                    + "plain files only");
        }
        if (!entry.isFile() || !PLAIN_NAME.matcher(name).matches()) {
            throw new ArchiveException("the archive's entry " + name + " is not a plain file of the machine's folder");
        }
        long limit = name.equals(MachineArchive.DISK) ? maxDiskBytes : MAX_SMALL_FILE;
        if (entry.getSize() < 0 || entry.getSize() > limit) {
            throw new ArchiveException("the archive's entry " + name + " says it is " + entry.getSize() + " bytes, more than "
                    + limit + (name.equals(MachineArchive.DISK) ? " (the room left for it)" : ""));
        }
        return name;
    }

    /** An archive refused: the message says which entry and why. */
    public static final class ArchiveException extends IOException {
        public ArchiveException(String message) {
            super(message);
        }
    }
}
