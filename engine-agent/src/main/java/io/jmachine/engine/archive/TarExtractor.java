package io.jmachine.engine.archive;

import io.jmachine.engine.errors.EngineException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;
import io.jmachine.engine.fs.XattrRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * and hard links must point inside the root. Symlinks are created as they are, absolute ones too: they only mean
 * something inside the root. As dockerd (outside rootless mode), device nodes and fifos are made as the archive
 * has them (the device cgroup decides what a container may open), and extended attributes are set byte for byte;
 * one the file system refuses (no support, not permitted, or an ACL it cannot hold) is skipped, as dockerd skips
 * them. Bad input is a 400 that names the entry.
 */
public final class TarExtractor {

    private static final Logger LOG = LoggerFactory.getLogger(TarExtractor.class);
    private static final int MAX_PATH = 4096;
    private static final int MAX_NAME = 255;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final byte[] OPAQUE_VALUE = "y".getBytes(StandardCharsets.US_ASCII);
    /** Entries come folder by folder: a few folders held open spare most lookups. */
    private static final int FOLDERS_HELD = 8;
    /** dockerd in a user namespace (rootless) cannot make device nodes and skips them; so does this engine. */
    private static final boolean IN_USER_NAMESPACE = inUserNamespace();

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
        XattrTarInputStream in = new XattrTarInputStream(tar);
        try {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                extractor.unpack(entry, in, xattrs(in));
            }
            // children change their folder's mtime: set folders' times last, deepest first
            for (DirectoryTime time : extractor.directoryTimes.reversed()) {
                try (Root.Located folder = root.locate(time.path())) {
                    folder.parent().setTimes(folder.name(), time.mtime());
                }
            }
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("invalid tar archive: " + e.getMessage());
        } catch (IOException e) {
            if (isFormatError(e)) {
                throw EngineException.invalid("invalid tar archive: " + e.getMessage());
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

    private void unpack(TarArchiveEntry entry, InputStream data, Map<String, byte[]> xattrs) throws IOException {
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
        if (root.mayBeMountPoint(base) && unpackOnMountPoint(entry, xattrs, parentPath, base)) {
            return;
        }
        Optional<Stat> existing = parent.find(base);
        if (existing.isPresent() && !(existing.get().isDirectory() && entry.isDirectory())) {
            if (options.noOverwriteDirNonDir() && existing.get().isDirectory() != entry.isDirectory()) {
                throw EngineException.invalid("cannot overwrite " + (existing.get().isDirectory() ? "directory " : "non-directory ")
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
                    throw EngineException.invalid("tar entry " + entry.getName() + " is a hard link to " + entry.getLinkName()
                            + ", which " + (sourceStat.isEmpty() ? "is not in the archive before it" : "is a directory"));
                }
                parent.link(base, source.parent(), source.name());
            } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
                throw EngineException.invalid("tar entry " + entry.getName() + " is a hard link to " + entry.getLinkName()
                        + ", which is not in the archive before it");
            }
            return; // a hard link shares its source's metadata
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            if (IN_USER_NAMESPACE) {
                LOG.debug("tar entry {}: a device node cannot be made in a user namespace; skipped, as dockerd skips it", entry.getName());
                return;
            }
            parent.mknod(base, (entry.isCharacterDevice() ? Stat.S_IFCHR : Stat.S_IFBLK) | (entry.getMode() & 07777),
                    Stat.makedev(entry.getDevMajor(), entry.getDevMinor()));
        } else if (entry.isFIFO()) {
            parent.mknod(base, Stat.S_IFIFO | (entry.getMode() & 07777), 0);
        } else if (entry.isFile()) {
            try (Folder.NewFile file = parent.create(base)) {
                contentBytes += data.transferTo(Channels.newOutputStream(file.channel()));
                // through the file's own descriptor: the fewest calls for the most common entry
                file.chown((int) entry.getLongUserId(), (int) entry.getLongGroupId());
                for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
                    try {
                        file.setXattr(xattr.getKey(), xattr.getValue());
                    } catch (XattrRefusedException e) {
                        skipped(entry, xattr.getKey(), e);
                    }
                }
                file.chmod(entry.getMode() & 07777);
                file.setTimes(entry.getLastModifiedTime());
            }
            return;
        } else {
            throw EngineException.invalid("tar entry " + entry.getName() + " has an unsupported type '"
                    + (char) entry.getLinkFlag() + "'");
        }
        applyMetadata(entry, xattrs, parent, base, parentPath);
    }

    /**
     * An entry whose path is where the root has something mounted (a container's volume): a folder's metadata goes to
     * the mounted folder; anything else would replace the mount point, which the kernel refuses (EBUSY) to dockerd.
     * False when nothing is mounted there.
     */
    private boolean unpackOnMountPoint(TarArchiveEntry entry, Map<String, byte[]> xattrs, String parentPath, String base)
            throws IOException {
        String realParent = root.realPath(parentPath, true);
        Optional<Root.Located> mounted = root.mounted(realParent.isEmpty() ? base : realParent + "/" + base);
        if (mounted.isEmpty()) {
            return false;
        }
        try (Root.Located mount = mounted.get()) {
            if (!entry.isDirectory() || !mount.name().isEmpty()) {
                throw new java.nio.file.FileSystemException("/" + inDestination(checkedName(entry.getName())), null,
                        "device or resource busy: a volume or bind is mounted there");
            }
            applyMetadata(entry, xattrs, mount.parent(), "", parentPath.isEmpty() ? base : parentPath + "/" + base);
        }
        return true;
    }

    private void unpackWhiteout(Folder parent, String base, String name) throws IOException {
        if (base.equals(OPAQUE)) {
            parent.setXattr("", "trusted.overlay.opaque", OPAQUE_VALUE);
        } else if (base.startsWith(WHITEOUT + WHITEOUT)) {
            // other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): meaningless to overlayfs
        } else if (base.length() == WHITEOUT.length()) {
            throw EngineException.invalid("tar entry " + name + " is a whiteout without a name");
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

    /** In dockerd's order: owner (which clears set-id bits and capabilities), extended attributes, mode, times. */
    private void applyMetadata(TarArchiveEntry entry, Map<String, byte[]> xattrs, Folder parent, String base, String parentPath)
            throws IOException {
        parent.chown(base, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
        for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
            try {
                parent.setXattr(base, xattr.getKey(), xattr.getValue());
            } catch (XattrRefusedException e) {
                skipped(entry, xattr.getKey(), e);
            }
        }
        if (!entry.isSymbolicLink()) {
            parent.chmod(base, entry.getMode() & 07777);
        }
        FileTime mtime = entry.getLastModifiedTime();
        if (entry.isDirectory()) {
            // base "" is the folder itself: parentPath is then its own path
            directoryTimes.add(new DirectoryTime(base.isEmpty() || parentPath.isEmpty() ? parentPath + base
                    : parentPath + "/" + base, mtime));
        } else {
            parent.setTimes(base, mtime);
        }
    }

    /** The entry's extended attributes (PAX SCHILY.xattr.*, byte for byte), but overlayfs's own. */
    private static Map<String, byte[]> xattrs(XattrTarInputStream in) {
        Map<String, byte[]> xattrs = new LinkedHashMap<>(in.xattrs());
        xattrs.keySet().removeIf(name -> name.startsWith("trusted.overlay."));
        return xattrs;
    }

    /**
     * An attribute the file system refuses is skipped, as dockerd skips one it does not support or may not set; so
     * is an ACL it cannot hold (EINVAL), which dockerd never meets since its copies of ACLs are exact. Any other is
     * an error.
     */
    private static void skipped(TarArchiveEntry entry, String xattr, XattrRefusedException e) throws XattrRefusedException {
        boolean acl = xattr.startsWith("system.posix_acl_");
        if (e.reason() == XattrRefusedException.Reason.INVALID && !acl) {
            throw e;
        }
        LOG.debug("tar entry {}: extended attribute {} skipped, the file system refuses it ({})", entry.getName(), xattr, e.getReason());
    }

    private static boolean inUserNamespace() {
        try {
            String map = Files.readString(Path.of("/proc/self/uid_map")).trim();
            return !map.matches("0\\s+0\\s+4294967295");
        } catch (IOException e) {
            return false;
        }
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
            throw EngineException.invalid("cannot unpack " + entryName + ": " + e.getFile() + " is not a directory");
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
            throw EngineException.invalid("tar entry name of " + raw.length() + " characters is longer than " + MAX_PATH
                    + ": " + raw.substring(0, 80) + "…");
        }
        if (raw.indexOf('\0') >= 0) {
            throw EngineException.invalid("tar entry name contains a NUL byte: " + raw.replace('\0', '?'));
        }
        List<String> kept = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (kept.isEmpty()) {
                    throw EngineException.invalid("tar entry " + raw + " points outside the destination folder (..)");
                }
                kept.removeLast();
            } else if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
                throw EngineException.invalid("tar entry " + raw.substring(0, Math.min(raw.length(), 80))
                        + "… has a component longer than " + MAX_NAME + " bytes");
            } else {
                kept.add(part);
            }
        }
        return String.join("/", kept);
    }
}
