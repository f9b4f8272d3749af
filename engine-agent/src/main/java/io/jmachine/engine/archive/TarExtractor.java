package io.jmachine.engine.archive;

import io.jmachine.engine.api.ApiException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Unpacks a tar into a root folder without ever writing outside it: names that climb out with ".." are
 * refused, parent folders are resolved inside the root ({@link RootedPath}) so no symlink leads out, the last
 * component is never followed (an existing link there is replaced, not written through), hard links must
 * point inside the root, and device nodes are refused. Symlinks are created as they are, absolute ones too:
 * they only mean something inside the container. Bad input is a 400 that names the entry.
 */
public final class TarExtractor {

    private static final int MAX_PATH = 4096;
    private static final int MAX_NAME = 255;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final byte[] OPAQUE_VALUE = "y".getBytes(StandardCharsets.US_ASCII);

    /**
     * @param overlayWhiteouts turn {@code .wh.X} into overlayfs whiteouts (char 0:0) and {@code .wh..wh..opq}
     *                         into {@code trusted.overlay.opaque=y}, as when unpacking an image layer
     * @param noOverwriteDirNonDir refuse to replace a directory by a non-directory or the reverse (docker cp)
     */
    public record Options(boolean overlayWhiteouts, boolean noOverwriteDirNonDir) {
        public static final Options LAYER = new Options(true, false);
        public static final Options PLAIN = new Options(false, false);
    }

    private record DirectoryTime(Path dir, FileTime mtime) {}

    private final Path root;
    private final Options options;
    private final List<DirectoryTime> directoryTimes = new ArrayList<>();
    private long contentBytes;

    private TarExtractor(Path root, Options options) {
        this.root = root;
        this.options = options;
    }

    /** Unpacks {@code tar} into {@code root} (which must exist); returns the bytes of file content written. */
    public static long extract(InputStream tar, Path root, Options options) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot unpack into " + root + ": not a directory");
        }
        TarExtractor extractor = new TarExtractor(root, options);
        TarArchiveInputStream in = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
        TarArchiveEntry entry;
        try {
            while ((entry = in.getNextEntry()) != null) {
                extractor.unpack(entry, in);
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid tar archive: " + e.getMessage());
        } catch (IOException e) {
            if (isFormatError(e)) {
                throw ApiException.badRequest("invalid tar archive: " + e.getMessage());
            }
            throw e;
        }
        // children change their folder's mtime: set folders' times last, deepest first
        for (DirectoryTime time : extractor.directoryTimes.reversed()) {
            Files.getFileAttributeView(time.dir(), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(time.mtime(), time.mtime(), null);
        }
        return extractor.contentBytes;
    }

    /** commons-compress reports malformed input as plain IOExceptions; tell them from disk failures by wording. */
    private static boolean isFormatError(IOException e) {
        if (e instanceof java.nio.file.FileSystemException) {
            return false;
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return message.contains("header") || message.contains("tar") || message.contains("truncated")
                || message.contains("eof") || message.contains("record") || message.contains("parse");
    }

    private void unpack(TarArchiveEntry entry, InputStream data) throws IOException {
        String name = checkedName(entry.getName());
        if (name.isEmpty()) {
            return; // "./": the root itself, which the caller made
        }
        int slash = name.lastIndexOf('/');
        String parentName = slash < 0 ? "" : name.substring(0, slash);
        String base = name.substring(slash + 1);
        Path parent = RootedPath.resolve(root, parentName, true);
        createParents(parent, name);

        if (options.overlayWhiteouts() && base.startsWith(WHITEOUT)) {
            unpackWhiteout(parent, base, name);
            return;
        }
        Path target = parent.resolve(base);
        BasicFileAttributes existing = attributes(target);
        if (existing != null && !(existing.isDirectory() && entry.isDirectory())) {
            if (options.noOverwriteDirNonDir() && existing.isDirectory() != entry.isDirectory()) {
                throw ApiException.badRequest("cannot overwrite " + (existing.isDirectory() ? "directory " : "non-directory ")
                        + "/" + name + " with " + (entry.isDirectory() ? "a directory" : "a non-directory"));
            }
            deleteTree(target);
        }

        if (entry.isDirectory()) {
            if (existing == null || !existing.isDirectory()) {
                Files.createDirectory(target);
            }
        } else if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            String linkName = checkedName(entry.getLinkName());
            Path source = RootedPath.resolve(root, linkName, false);
            BasicFileAttributes sourceAttributes = attributes(source);
            if (sourceAttributes == null || sourceAttributes.isDirectory()) {
                throw ApiException.badRequest("tar entry " + entry.getName() + " is a hard link to " + entry.getLinkName()
                        + ", which " + (sourceAttributes == null ? "is not in the archive before it" : "is a directory"));
            }
            Files.createLink(target, source);
            return; // a hard link shares its source's metadata
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw ApiException.badRequest("tar entry " + entry.getName() + " is a " + (entry.isCharacterDevice() ? "character" : "block")
                    + " device (" + entry.getDevMajor() + ":" + entry.getDevMinor() + "); layers and copies may not create "
                    + "device nodes: remove it from the archive");
        } else if (entry.isFIFO()) {
            LinuxFiles.mkfifo(target, entry.getMode());
        } else if (entry.isFile()) {
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                contentBytes += data.transferTo(out);
            }
        } else {
            throw ApiException.badRequest("tar entry " + entry.getName() + " has an unsupported type '"
                    + (char) entry.getLinkFlag() + "'");
        }
        applyMetadata(entry, target);
    }

    private void unpackWhiteout(Path parent, String base, String name) throws IOException {
        if (base.equals(OPAQUE)) {
            LinuxFiles.setXattr(parent, "trusted.overlay.opaque", OPAQUE_VALUE);
        } else if (base.startsWith(WHITEOUT + WHITEOUT)) {
            // other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): meaningless to overlayfs
        } else if (base.length() == WHITEOUT.length()) {
            throw ApiException.badRequest("tar entry " + name + " is a whiteout without a name");
        } else {
            Path hidden = parent.resolve(base.substring(WHITEOUT.length()));
            if (attributes(hidden) != null) {
                deleteTree(hidden);
            }
            LinuxFiles.mknodWhiteout(hidden);
        }
    }

    private void applyMetadata(TarArchiveEntry entry, Path target) throws IOException {
        // owner before mode: chown clears set-uid and set-gid bits
        Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        if (!entry.isSymbolicLink()) {
            Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
        }
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            if (header.getKey().startsWith("SCHILY.xattr.")) {
                String xattr = header.getKey().substring("SCHILY.xattr.".length());
                if (!xattr.startsWith("trusted.overlay.")) {
                    LinuxFiles.setXattr(target, xattr, header.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        FileTime mtime = entry.getLastModifiedTime();
        if (entry.isDirectory()) {
            directoryTimes.add(new DirectoryTime(target, mtime));
        } else {
            Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(mtime, mtime, null);
        }
    }

    /** The entry's name relative to the root ("" for the root); 400 when it climbs out or is too long. */
    static String checkedName(String raw) {
        if (raw.length() > MAX_PATH) {
            throw ApiException.badRequest("tar entry name of " + raw.length() + " characters is longer than " + MAX_PATH
                    + ": " + raw.substring(0, 80) + "…");
        }
        if (raw.indexOf('\0') >= 0) {
            throw ApiException.badRequest("tar entry name contains a NUL byte: " + raw.replace('\0', '?'));
        }
        List<String> kept = new ArrayList<>();
        for (String part : RootedPath.components(raw)) {
            if (part.equals("..")) {
                if (kept.isEmpty()) {
                    throw ApiException.badRequest("tar entry " + raw + " points outside the destination folder (..)");
                }
                kept.removeLast();
            } else if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
                throw ApiException.badRequest("tar entry " + raw.substring(0, Math.min(raw.length(), 80))
                        + "… has a component longer than " + MAX_NAME + " bytes");
            } else {
                kept.add(part);
            }
        }
        return String.join("/", kept);
    }

    private void createParents(Path parent, String name) throws IOException {
        if (parent.equals(root)) {
            return;
        }
        BasicFileAttributes attributes = attributes(parent);
        if (attributes == null) {
            // a resolved path has no symlinks in it, and what does not exist yet has none either
            createParents(parent.getParent(), name);
            Files.createDirectory(parent);
        } else if (!attributes.isDirectory()) {
            throw ApiException.badRequest("cannot unpack " + name + ": /" + root.relativize(parent) + " is not a directory");
        }
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes a file or a whole tree without following links; overlay work folders are mode 000 but root may. */
    public static void deleteTree(Path path) throws IOException {
        BasicFileAttributes attributes = attributes(path);
        if (attributes == null) {
            return;
        }
        if (attributes.isDirectory()) {
            try (var children = Files.list(path)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }
}
