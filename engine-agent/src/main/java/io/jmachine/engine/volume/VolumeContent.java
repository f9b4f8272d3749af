package io.jmachine.engine.volume;

import io.jmachine.engine.archive.LinuxFiles;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Docker's copy-up: an empty volume mounted where the image has a folder gets that folder's content first
 * (owners, modes, times, symlinks, hard links and device nodes kept), and the volume's root takes the
 * folder's owner and mode. A volume that holds anything is left alone, so data is never overwritten.
 */
public final class VolumeContent {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private VolumeContent() {
    }

    /**
     * Fills {@code volume} from {@code imageFolder} when the volume is empty and the image has a folder there.
     *
     * @return whether it copied
     */
    public static boolean populate(Path imageFolder, Path volume) throws IOException {
        if (!Files.isDirectory(imageFolder, LinkOption.NOFOLLOW_LINKS) || !isEmpty(volume)) {
            return false;
        }
        Files.walkFileTree(imageFolder, new Copier(imageFolder, volume));
        PosixFileAttributes root = Files.readAttributes(imageFolder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView target = Files.getFileAttributeView(volume, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        target.setOwner(root.owner());
        target.setGroup(root.group());
        // chown clears set-id bits, so the mode goes last
        Files.setAttribute(volume, "unix:mode", (Integer) Files.getAttribute(imageFolder, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777,
                LinkOption.NOFOLLOW_LINKS);
        return true;
    }

    static boolean isEmpty(Path folder) throws IOException {
        try (var entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Copies a tree without following links; folder times are set once their content is in. */
    private static final class Copier extends SimpleFileVisitor<Path> {
        private final Path from;
        private final Path to;
        /** Files with several links, by inode: the first copy, which later names link to. */
        private final Map<Object, Path> linked = new HashMap<>();
        private final Deque<FileTime> folderTimes = new ArrayDeque<>();

        Copier(Path from, Path to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            if (!dir.equals(from)) {
                Files.copy(dir, target(dir), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
            folderTimes.push(attrs.lastModifiedTime());
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Path target = target(file);
            if (attrs.isRegularFile() && (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
                Path first = linked.putIfAbsent(attrs.fileKey(), target);
                if (first != null) {
                    Files.createLink(target, first);
                    return FileVisitResult.CONTINUE;
                }
            }
            if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            } else if (attrs.isOther()) {
                copyNode(file, target);
            }
            return FileVisitResult.CONTINUE;
        }

        /**
         * Fifos and device nodes are made anew; sockets are skipped. Java's attribute setters that do not follow
         * links open the file, which blocks on a fifo without a writer, so these use the following ones: the node
         * is no link. Their times are not kept.
         */
        private static void copyNode(Path file, Path target) throws IOException {
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) == S_IFSOCK) {
                return;
            }
            LinuxFiles.mknod(target, mode, (Long) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS));
            Files.setAttribute(target, "unix:uid", Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            Files.setAttribute(target, "unix:gid", Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            // after the chown, which clears set-id bits; mknod's mode was cut by the umask
            Files.setAttribute(target, "unix:mode", mode & 07777);
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
            if (failure != null) {
                throw failure;
            }
            FileTime modified = folderTimes.pop();
            if (!dir.equals(from)) {
                Files.setLastModifiedTime(target(dir), modified);
            }
            return FileVisitResult.CONTINUE;
        }

        private Path target(Path source) {
            return to.resolve(from.relativize(source).toString());
        }
    }
}
