package io.jmachine.engine.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

    private record Inode(long device, long inode) {}

    private final TarArchiveOutputStream tar;
    private final Markers markers;
    private final Map<Inode, String> linksSeen = new HashMap<>();

    public TarWriter(OutputStream out, Markers markers) {
        this.tar = new TarArchiveOutputStream(out, TarConstants.DEFAULT_RCDSIZE, StandardCharsets.UTF_8.name());
        this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        this.tar.setAddPaxHeadersForNonAsciiNames(true);
        this.markers = markers;
    }

    /** Writes everything below {@code dir} (not {@code dir} itself), names relative to it. */
    public void writeContents(Path dir) throws IOException {
        for (Path child : sortedChildren(dir)) {
            write(child, child.getFileName().toString());
        }
    }

    /**
     * Writes {@code path} inside {@code root} (resolved as if root were "/", the last component not followed)
     * under the name {@code nameInArchive}, with everything below it when it is a folder. For docker cp out.
     */
    public void writePath(Path root, String path, String nameInArchive) throws IOException {
        Path resolved = RootedPath.resolve(root, path, false);
        if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(path);
        }
        write(resolved, nameInArchive);
    }

    private void write(Path file, String name) throws IOException {
        Map<String, Object> unix = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) unix.get("mode");
        int type = mode & 0170000;
        if (markers == Markers.OVERLAY_TO_OCI_WHITEOUTS && type == 0020000 && ((Long) unix.get("rdev")) == 0) {
            TarArchiveEntry whiteout = entry(parentOf(name) + ".wh." + file.getFileName(), TarConstants.LF_NORMAL, unix);
            whiteout.setMode(0100000);
            tar.putArchiveEntry(whiteout);
            tar.closeArchiveEntry();
            return;
        }
        TarArchiveEntry entry;
        boolean hasContent = false;
        switch (type) {
            case 0040000 -> entry = entry(name + "/", TarConstants.LF_DIR, unix);
            case 0120000 -> {
                entry = entry(name, TarConstants.LF_SYMLINK, unix);
                entry.setLinkName(Files.readSymbolicLink(file).toString());
            }
            case 0100000 -> {
                Inode inode = new Inode((Long) unix.get("dev"), (Long) unix.get("ino"));
                String first = ((Integer) unix.get("nlink")) > 1 ? linksSeen.putIfAbsent(inode, name) : null;
                if (first != null) {
                    entry = entry(name, TarConstants.LF_LINK, unix);
                    entry.setLinkName(first);
                } else {
                    entry = entry(name, TarConstants.LF_NORMAL, unix);
                    entry.setSize((Long) unix.get("size"));
                    hasContent = true;
                }
            }
            case 0020000, 0060000 -> {
                entry = entry(name, type == 0020000 ? TarConstants.LF_CHR : TarConstants.LF_BLK, unix);
                long rdev = (Long) unix.get("rdev");
                entry.setDevMajor((int) ((rdev >>> 8) & 0xfff | (rdev >>> 32) & ~0xfff));
                entry.setDevMinor((int) (rdev & 0xff | (rdev >>> 12) & ~0xff));
            }
            case 0010000 -> entry = entry(name, TarConstants.LF_FIFO, unix);
            default -> {
                return; // sockets cannot be archived; tar skips them too
            }
        }
        entry.setMode(mode);
        addXattrs(file, entry, type);
        tar.putArchiveEntry(entry);
        if (hasContent) { // not entry.isFile(): commons-compress says true for links too
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                long copied = in.transferTo(tar);
                if (copied != entry.getSize()) {
                    throw new IOException(file + " changed size while it was archived");
                }
            }
        }
        tar.closeArchiveEntry();
        if (type == 0040000) {
            if (markers == Markers.OVERLAY_TO_OCI_WHITEOUTS && isOpaque(file)) {
                TarArchiveEntry opaque = entry(name + "/.wh..wh..opq", TarConstants.LF_NORMAL, unix);
                opaque.setMode(0100000);
                tar.putArchiveEntry(opaque);
                tar.closeArchiveEntry();
            }
            for (Path child : sortedChildren(file)) {
                write(child, name + "/" + child.getFileName());
            }
        }
    }

    private void addXattrs(Path file, TarArchiveEntry entry, int type) throws IOException {
        if (type == 0120000) {
            return;
        }
        for (String xattr : LinuxFiles.listXattrs(file)) {
            if (xattr.startsWith("trusted.overlay.")) {
                continue; // overlayfs bookkeeping, meaningless in a layer
            }
            byte[] value = LinuxFiles.getXattr(file, xattr);
            if (value != null) {
                entry.addPaxHeader("SCHILY.xattr." + xattr, new String(value, StandardCharsets.UTF_8));
            }
        }
    }

    private static boolean isOpaque(Path dir) throws IOException {
        byte[] value = LinuxFiles.getXattr(dir, "trusted.overlay.opaque");
        return value != null && value.length == 1 && value[0] == 'y';
    }

    private static TarArchiveEntry entry(String name, byte type, Map<String, Object> unix) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setUserId(((Integer) unix.get("uid")).longValue());
        entry.setGroupId(((Integer) unix.get("gid")).longValue());
        entry.setLastModifiedTime((FileTime) unix.get("lastModifiedTime"));
        return entry;
    }

    private static String parentOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    private static List<Path> sortedChildren(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.sorted(java.util.Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
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
