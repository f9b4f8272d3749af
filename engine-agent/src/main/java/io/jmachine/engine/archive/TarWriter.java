package io.jmachine.engine.archive;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.NotRegularFileException;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a folder tree as a tar: owners, modes (set-id bits too), mtimes, xattrs, hard links as link
 * entries, symlinks as they are (never followed). Entries come sorted by name, so one tree always gives the
 * same tar, and the same layer digest. Without a {@code .finish()} padding to 10 KiB records: an empty tar
 * is 1024 zero bytes, the empty layer everyone knows (sha256:5f70bf18…).
 */
public final class TarWriter implements AutoCloseable {

    /** How a tree's overlayfs markers are written. */
    public enum Markers {
        /** As found (export of a merged root, docker cp). */
        AS_IS,
        /** An overlay upper folder as an OCI layer: char 0:0 becomes .wh.X, an opaque folder gets .wh..wh..opq. */
        OVERLAY_TO_OCI_WHITEOUTS
    }

    /** How often an entry may change type under the writer before it gives up on it. */
    private static final int CHANGES_TOLERATED = 3;

    private final XattrTarOutputStream tar;
    private final Markers markers;
    private final Map<Object, String> linksSeen = new HashMap<>();
    /** The root with mounts whose tree is written, to write what is mounted where it is mounted; null for none. */
    private Root view;

    public TarWriter(OutputStream out, Markers markers) {
        this.tar = new XattrTarOutputStream(out);
        this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        this.tar.setAddPaxHeadersForNonAsciiNames(true);
        this.markers = markers;
    }

    /** Writes everything below {@code dir} (not {@code dir} itself), names relative to it. */
    public void writeContents(Path dir) throws IOException {
        try (Folder folder = Folder.open(dir)) {
            writeContents(folder, "", null);
        }
    }

    /**
     * Writes {@code target} of {@code root} ({@link Root#locate}'s answer, "" naming a folder itself), which is
     * {@code realPath} in it, as {@code nameInArchive}, with everything below it; where the root has something mounted
     * below it (a container's volumes and binds), what is mounted is written, as dockerd archives a container with its
     * volumes mounted.
     */
    public void write(Root root, Root.Located target, String realPath, String nameInArchive) throws IOException {
        view = root.hasMounts() ? root : null;
        try {
            if (target.name().isEmpty()) {
                writeFolder(target.parent(), nameInArchive, realPath);
            } else {
                write(target.parent(), target.name(), nameInArchive, realPath);
            }
        } finally {
            view = null;
        }
    }

    /**
     * Writes the entry {@code name} of {@code parent} under the name {@code nameInArchive}, with everything below
     * it when it is a folder; a link there is written as a link. An entry that changes type while it is written is
     * written as what it became; one removed meanwhile is left out, as dockerd's archiver does.
     */
    public void write(Folder parent, String name, String nameInArchive) throws IOException {
        write(parent, name, nameInArchive, null);
    }

    /** {@code at}: where the entry is in {@link #view}, or null when no mounts are crossed. */
    private void write(Folder parent, String name, String nameInArchive, String at) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Stat stat = parent.stat(name);
                if (stat.isDirectory()) {
                    try (Folder folder = parent.folder(name)) {
                        writeFolder(folder, nameInArchive, at);
                    }
                } else {
                    writeEntry(parent, name, stat, nameInArchive);
                }
                return;
            } catch (NoSuchFileException | NotDirectoryException | NotRegularFileException changed) {
                // only this entry's own change, found before its header went out; one below it is handled there
                if (!parent.where(name).equals(changed.getFile())
                        || (!(changed instanceof NoSuchFileException) && attempt == CHANGES_TOLERATED)) {
                    throw changed;
                }
                if (changed instanceof NoSuchFileException) {
                    return;
                }
            }
        }
    }

    /** Writes {@code folder} itself as {@code nameInArchive}/ and everything below it. */
    public void writeFolder(Folder folder, String nameInArchive) throws IOException {
        writeFolder(folder, nameInArchive, null);
    }

    private void writeFolder(Folder folder, String nameInArchive, String at) throws IOException {
        Stat stat = folder.stat();
        TarArchiveEntry entry = entry(nameInArchive + "/", TarConstants.LF_DIR, stat);
        tar.putArchiveEntry(entry, xattrs(folder, "", stat));
        tar.closeArchiveEntry();
        if (markers == Markers.OVERLAY_TO_OCI_WHITEOUTS && isOpaque(folder)) {
            TarArchiveEntry opaque = entry(nameInArchive + "/.wh..wh..opq", TarConstants.LF_NORMAL, stat);
            opaque.setMode(0100000);
            tar.putArchiveEntry(opaque);
            tar.closeArchiveEntry();
        }
        writeContents(folder, nameInArchive + "/", at);
    }

    private void writeContents(Folder folder, String prefix, String at) throws IOException {
        if (view == null || at == null) {
            for (String child : folder.list()) {
                write(folder, child, prefix + child, null);
            }
            return;
        }
        for (String child : folder.list()) {
            String childAt = at.isEmpty() ? child : at + "/" + child;
            java.util.Optional<Root.Located> mounted = view.mounted(childAt);
            if (mounted.isEmpty()) {
                write(folder, child, prefix + child, childAt);
                continue;
            }
            try (Root.Located mount = mounted.get()) {
                if (mount.name().isEmpty()) {
                    writeFolder(mount.parent(), prefix + child, childAt);
                } else {
                    write(mount.parent(), mount.name(), prefix + child, childAt);
                }
            }
        }
    }

    /** Anything but a folder: its stat, then its content read from a descriptor checked to be that same file. */
    private void writeEntry(Folder parent, String file, Stat stat, String name) throws IOException {
        if (markers == Markers.OVERLAY_TO_OCI_WHITEOUTS && stat.type() == Stat.S_IFCHR && stat.rdev() == 0) {
            TarArchiveEntry whiteout = entry(parentOf(name) + ".wh." + file, TarConstants.LF_NORMAL, stat);
            whiteout.setMode(0100000);
            tar.putArchiveEntry(whiteout);
            tar.closeArchiveEntry();
            return;
        }
        Folder.OpenFile content = null;
        TarArchiveEntry entry;
        try {
            switch (stat.type()) {
                case Stat.S_IFLNK -> {
                    entry = entry(name, TarConstants.LF_SYMLINK, stat);
                    entry.setLinkName(parent.readLink(file));
                }
                case Stat.S_IFREG -> {
                    String first = stat.nlink() > 1 ? linksSeen.putIfAbsent(stat.fileKey(), name) : null;
                    if (first != null) {
                        entry = entry(name, TarConstants.LF_LINK, stat);
                        entry.setLinkName(first);
                    } else {
                        content = parent.read(file);
                        stat = content.stat(); // what is read is what the header says, whatever was there at the listing
                        entry = entry(name, TarConstants.LF_NORMAL, stat);
                        entry.setSize(stat.size());
                    }
                }
                case Stat.S_IFCHR, Stat.S_IFBLK -> {
                    entry = entry(name, stat.type() == Stat.S_IFCHR ? TarConstants.LF_CHR : TarConstants.LF_BLK, stat);
                    entry.setDevMajor(stat.rdevMajor());
                    entry.setDevMinor(stat.rdevMinor());
                }
                case Stat.S_IFIFO -> entry = entry(name, TarConstants.LF_FIFO, stat);
                default -> {
                    return; // sockets cannot be archived; tar skips them too
                }
            }
            tar.putArchiveEntry(entry, xattrs(parent, file, stat));
            if (content != null) {
                copy(content, tar, parent.where(file));
            }
            tar.closeArchiveEntry();
        } finally {
            if (content != null) {
                content.close();
            }
        }
    }

    /** Exactly the size the header gave: a file that shrank meanwhile is an error, what it grew by is left out. */
    private static void copy(Folder.OpenFile file, OutputStream out, String where) throws IOException {
        long left = file.stat().size();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(left, 1 << 16));
        while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int n = file.channel().read(buffer);
            if (n < 0) {
                throw new IOException(where + " changed size while it was archived");
            }
            out.write(buffer.array(), 0, n);
            left -= n;
        }
    }

    /** The entry's extended attributes, values byte for byte (ACLs and capabilities are binary). */
    private static Map<String, byte[]> xattrs(Folder parent, String file, Stat stat) throws IOException {
        if (stat.isSymbolicLink()) {
            return Map.of();
        }
        Map<String, byte[]> xattrs = new java.util.TreeMap<>();
        for (String xattr : parent.listXattrs(file)) {
            if (xattr.startsWith("trusted.overlay.")) {
                continue; // overlayfs bookkeeping, meaningless in a layer
            }
            byte[] value = parent.getXattr(file, xattr);
            if (value != null) {
                xattrs.put(xattr, value);
            }
        }
        return xattrs;
    }

    private static boolean isOpaque(Folder folder) throws IOException {
        byte[] value = folder.getXattr("", "trusted.overlay.opaque");
        return value != null && value.length == 1 && value[0] == 'y';
    }

    private static TarArchiveEntry entry(String name, byte type, Stat stat) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setUserId(Integer.toUnsignedLong(stat.uid()));
        entry.setGroupId(Integer.toUnsignedLong(stat.gid()));
        entry.setLastModifiedTime(stat.lastModified());
        entry.setMode(stat.mode());
        return entry;
    }

    private static String parentOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    /** Ends the archive (two zero records) and flushes; the underlying stream stays open. */
    public void finish() throws IOException {
        tar.finish();
        tar.flush();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
