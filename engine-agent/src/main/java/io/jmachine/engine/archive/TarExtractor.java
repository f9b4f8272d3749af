package io.jmachine.engine.archive;

import io.jmachine.engine.api.ApiException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Unpacks a tar into a folder of a root without ever writing outside the root: names that climb out with ".."
 * are refused, parent folders are resolved by the kernel inside the root ({@link Root}) and held open while their
 * entry is made, the last component is never followed (an existing link there is replaced, not written through),
 * hard links must point inside the root, and device nodes are refused. Symlinks are created as they are, absolute
 * ones too: they only mean something inside the root. Bad input is a 400 that names the entry.
 */
public final class TarExtractor {

    private static final int MAX_PATH = 4096;
    private static final int MAX_NAME = 255;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final byte[] OPAQUE_VALUE = "y".getBytes(StandardCharsets.US_ASCII);
    /** Entries come folder by folder: a few folders held open spare most lookups. */
    private static final int FOLDERS_HELD = 8;

    /**
     * @param overlayWhiteouts turn {@code .wh.X} into overlayfs whiteouts (char 0:0) and {@code .wh..wh..opq}
     *                         into {@code trusted.overlay.opaque=y}, as when unpacking an image layer
     * @param noOverwriteDirNonDir refuse to replace a directory by a non-directory or the reverse (docker cp)
     */
    public record Options(boolean overlayWhiteouts, boolean noOverwriteDirNonDir) {
        public static final Options LAYER = new Options(true, false);
        public static final Options PLAIN = new Options(false, false);
    }

    private record DirectoryTime(String path, FileTime mtime) {}

    private final Root root;
    private final String destination;
    private final Options options;
    private final List<DirectoryTime> directoryTimes = new ArrayList<>();
    private final Map<String, Folder> folders = new LinkedHashMap<>(16, 0.75f, true);
    private long contentBytes;

    private TarExtractor(Root root, String destination, Options options) {
        this.root = root;
        this.destination = Root.clean(destination);
        this.options = options;
    }

    /** Unpacks {@code tar} into the folder {@code dir} (which must exist), {@code dir} taken as the root. */
    public static long extract(InputStream tar, Path dir, Options options) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot unpack into " + dir + ": not a directory");
        }
        try (Root root = Root.open(dir)) {
            return extract(tar, root, "/", options);
        }
    }

    /**
     * Unpacks {@code tar} into the folder {@code destination} of {@code root}: entries' names are relative to it,
     * links in them are resolved inside the root; returns the bytes of file content written.
     */
    public static long extract(InputStream tar, Root root, String destination, Options options) throws IOException {
        TarExtractor extractor = new TarExtractor(root, destination, options);
        TarArchiveInputStream in = new TarArchiveInputStream(tar, StandardCharsets.UTF_8.name());
        try {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                extractor.unpack(entry, in);
            }
            // children change their folder's mtime: set folders' times last, deepest first
            for (DirectoryTime time : extractor.directoryTimes.reversed()) {
                try (Root.Located folder = root.locate(time.path())) {
                    folder.parent().setTimes(folder.name(), time.mtime());
                }
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid tar archive: " + e.getMessage());
        } catch (IOException e) {
            if (isFormatError(e)) {
                throw ApiException.badRequest("invalid tar archive: " + e.getMessage());
            }
            throw e;
        } finally {
            extractor.releaseFolders();
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
            return; // "./": the destination itself, which the caller made
        }
        int slash = name.lastIndexOf('/');
        String parentPath = inDestination(slash < 0 ? "" : name.substring(0, slash));
        String base = name.substring(slash + 1);
        Folder parent = folder(parentPath, name);

        if (options.overlayWhiteouts() && base.startsWith(WHITEOUT)) {
            unpackWhiteout(parent, base, name);
            return;
        }
        Optional<Stat> existing = parent.find(base);
        if (existing.isPresent() && !(existing.get().isDirectory() && entry.isDirectory())) {
            if (options.noOverwriteDirNonDir() && existing.get().isDirectory() != entry.isDirectory()) {
                throw ApiException.badRequest("cannot overwrite " + (existing.get().isDirectory() ? "directory " : "non-directory ")
                        + "/" + name + " with " + (entry.isDirectory() ? "a directory" : "a non-directory"));
            }
            releaseFolders(); // a held folder may be the one replaced, or below it
            parent = folder(parentPath, name);
            parent.delete(base);
        }

        if (entry.isDirectory()) {
            if (existing.isEmpty() || !existing.get().isDirectory()) {
                parent.createFolder(base, 0700).close();
            }
        } else if (entry.isSymbolicLink()) {
            parent.symlink(base, entry.getLinkName());
        } else if (entry.isLink()) {
            String linkName = inDestination(checkedName(entry.getLinkName()));
            try (Root.Located source = root.locate(linkName)) {
                Optional<Stat> sourceStat = source.name().isEmpty() ? Optional.empty() : source.parent().find(source.name());
                if (sourceStat.isEmpty() || sourceStat.get().isDirectory()) {
                    throw ApiException.badRequest("tar entry " + entry.getName() + " is a hard link to " + entry.getLinkName()
                            + ", which " + (sourceStat.isEmpty() ? "is not in the archive before it" : "is a directory"));
                }
                parent.link(base, source.parent(), source.name());
            } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
                throw ApiException.badRequest("tar entry " + entry.getName() + " is a hard link to " + entry.getLinkName()
                        + ", which is not in the archive before it");
            }
            return; // a hard link shares its source's metadata
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw ApiException.badRequest("tar entry " + entry.getName() + " is a " + (entry.isCharacterDevice() ? "character" : "block")
                    + " device (" + entry.getDevMajor() + ":" + entry.getDevMinor() + "); layers and copies may not create "
                    + "device nodes: remove it from the archive");
        } else if (entry.isFIFO()) {
            parent.mknod(base, Stat.S_IFIFO | (entry.getMode() & 07777), 0);
        } else if (entry.isFile()) {
            try (Folder.NewFile file = parent.create(base)) {
                contentBytes += data.transferTo(Channels.newOutputStream(file.channel()));
                // through the file's own descriptor: the fewest calls for the most common entry
                file.chown((int) entry.getLongUserId(), (int) entry.getLongGroupId());
                file.chmod(entry.getMode() & 07777);
                for (Map.Entry<String, byte[]> xattr : xattrs(entry).entrySet()) {
                    file.setXattr(xattr.getKey(), xattr.getValue());
                }
                file.setTimes(entry.getLastModifiedTime());
            }
            return;
        } else {
            throw ApiException.badRequest("tar entry " + entry.getName() + " has an unsupported type '"
                    + (char) entry.getLinkFlag() + "'");
        }
        applyMetadata(entry, parent, base, parentPath);
    }

    private void unpackWhiteout(Folder parent, String base, String name) throws IOException {
        if (base.equals(OPAQUE)) {
            parent.setXattr("", "trusted.overlay.opaque", OPAQUE_VALUE);
        } else if (base.startsWith(WHITEOUT + WHITEOUT)) {
            // other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): meaningless to overlayfs
        } else if (base.length() == WHITEOUT.length()) {
            throw ApiException.badRequest("tar entry " + name + " is a whiteout without a name");
        } else {
            String hidden = base.substring(WHITEOUT.length());
            if (parent.find(hidden).isPresent()) {
                releaseFolders();
                parent = folder(parent.where().substring(1), name);
                parent.delete(hidden);
            }
            parent.mknod(hidden, Stat.S_IFCHR, 0);
        }
    }

    private void applyMetadata(TarArchiveEntry entry, Folder parent, String base, String parentPath) throws IOException {
        // owner before mode: chown clears set-uid and set-gid bits
        parent.chown(base, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
        if (!entry.isSymbolicLink()) {
            parent.chmod(base, entry.getMode() & 07777);
        }
        for (Map.Entry<String, byte[]> xattr : xattrs(entry).entrySet()) {
            parent.setXattr(base, xattr.getKey(), xattr.getValue());
        }
        FileTime mtime = entry.getLastModifiedTime();
        if (entry.isDirectory()) {
            directoryTimes.add(new DirectoryTime(parentPath.isEmpty() ? base : parentPath + "/" + base, mtime));
        } else {
            parent.setTimes(base, mtime);
        }
    }

    /** The entry's extended attributes (PAX SCHILY.xattr.*), but overlayfs's own. */
    private static Map<String, byte[]> xattrs(TarArchiveEntry entry) {
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            if (header.getKey().startsWith("SCHILY.xattr.")) {
                String xattr = header.getKey().substring("SCHILY.xattr.".length());
                if (!xattr.startsWith("trusted.overlay.")) {
                    xattrs.put(xattr, header.getValue().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return xattrs;
    }

    /** A path relative to the destination as a path in the root. */
    private String inDestination(String relative) {
        return destination.isEmpty() ? relative : relative.isEmpty() ? destination : destination + "/" + relative;
    }

    /** The folder at {@code path} in the root, made (0755) when missing; 400 when something else is there. */
    private Folder folder(String path, String entryName) throws IOException {
        Folder held = folders.get(path);
        if (held != null) {
            return held;
        }
        Folder folder;
        try {
            folder = root.makeFolders(path, (parent, name) -> { });
        } catch (java.nio.file.NotDirectoryException e) {
            throw ApiException.badRequest("cannot unpack " + entryName + ": " + e.getFile() + " is not a directory");
        }
        folders.put(path, folder);
        if (folders.size() > FOLDERS_HELD) {
            var eldest = folders.entrySet().iterator().next();
            folders.remove(eldest.getKey());
            eldest.getValue().close();
        }
        return folder;
    }

    private void releaseFolders() throws IOException {
        for (Folder folder : folders.values()) {
            folder.close();
        }
        folders.clear();
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
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
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

    /** Deletes a file or a whole tree without following links; overlay work folders are mode 000 but root may. */
    public static void deleteTree(Path path) throws IOException {
        Folder.deleteTree(path);
    }
}
