package io.jmachine.engine.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A host folder used as "/" (a container's or image's root file system, a build context, an unpacked archive):
 * every path is resolved by the kernel inside it, as if chrooted there (openat2 with RESOLVE_IN_ROOT, or, on
 * kernels before 5.6, a walk that holds each folder open). Links, absolute or relative, and ".." never lead out,
 * whatever the tree holds and whatever changes in it meanwhile: there is no check-then-open to race.
 */
public final class Root implements AutoCloseable {

    /** A path's last component and the folder it is in (resolved inside the root); "" names the root itself. */
    public record Located(Folder parent, String name) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            parent.close();
        }
    }

    /** Called for each folder {@link #makeFolders} creates, to give it its owner or mode. */
    @FunctionalInterface
    public interface Created {
        void folder(Folder parent, String name) throws IOException;
    }

    private static final int MAX_LINKS = 40;

    private final Path hostPath;
    private final Folder top;
    private final Resolver resolver;

    private Root(Path hostPath, Folder top, Resolver resolver) {
        this.hostPath = hostPath;
        this.top = top;
        this.resolver = resolver;
    }

    public static Root open(Path dir) throws IOException {
        return open(dir, Resolver.best());
    }

    static Root open(Path dir, Resolver resolver) throws IOException {
        int fd = Syscalls.open(Syscalls.AT_FDCWD, dir.toString(), Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0, dir.toString());
        return new Root(dir, new Folder(fd, "/"), resolver);
    }

    public Path hostPath() {
        return hostPath;
    }

    /** The root folder itself; closed with the root. */
    public Folder top() {
        return top;
    }

    /** The folder at {@code path}, every link on the way (the last one too) followed inside the root. */
    public Folder folder(String path) throws IOException {
        String clean = clean(path);
        int fd = resolver.resolve(top.fd(), clean, true, display(clean));
        try {
            if (!Syscalls.stat(fd, "", false, display(clean)).isDirectory()) {
                throw new NotDirectoryException(display(clean));
            }
        } catch (IOException | RuntimeException e) {
            Syscalls.close(fd, display(clean));
            throw e;
        }
        return new Folder(fd, display(clean));
    }

    /**
     * The last component of {@code path} and its folder; the folder is resolved following links inside the root,
     * the last component is not looked at (it may not exist). "." and ".." are taken lexically first, as Docker's
     * cp takes them.
     */
    public Located locate(String path) throws IOException {
        String clean = clean(path);
        if (clean.isEmpty()) {
            return new Located(top.duplicate(), "");
        }
        int slash = clean.lastIndexOf('/');
        return new Located(folder(slash < 0 ? "" : clean.substring(0, slash)), clean.substring(slash + 1));
    }

    /** What {@code path} is, following a last link (inside the root) when told to. */
    public Stat stat(String path, boolean followFinal) throws IOException {
        String clean = clean(path);
        int fd = resolver.resolve(top.fd(), clean, followFinal, display(clean));
        try {
            return Syscalls.stat(fd, "", false, display(clean));
        } finally {
            Syscalls.close(fd, display(clean));
        }
    }

    /** What {@code path} is, or empty when nothing is there (a folder on the way missing or not one, links that loop). */
    public Optional<Stat> find(String path, boolean followFinal) throws IOException {
        try {
            return Optional.of(stat(path, followFinal));
        } catch (NoSuchFileException | NotDirectoryException | FileSystemLoopException none) {
            return Optional.empty();
        }
    }

    /** The regular file at {@code path} (links followed inside the root) for reading. */
    public Folder.OpenFile read(String path) throws IOException {
        String clean = clean(path);
        int fd = resolver.resolve(top.fd(), clean, true, display(clean));
        try {
            return Folder.readable(fd, display(clean));
        } finally {
            Syscalls.close(fd, display(clean));
        }
    }

    /**
     * The regular file at {@code path} for reading, or empty when there is none: nothing there, a folder on the way
     * missing or not a folder, links that loop, or something else than a regular file at the end.
     */
    public Optional<Folder.OpenFile> readIfPresent(String path) throws IOException {
        try {
            return Optional.of(read(path));
        } catch (NoSuchFileException | NotDirectoryException | FileSystemLoopException | NotRegularFileException none) {
            return Optional.empty();
        }
    }

    /**
     * The folder at {@code path}, made with its missing parents (mode 0755) as {@code mkdir -p} would inside the
     * root; {@code created} hears of each new one. A non-folder on the way is a NotDirectoryException.
     */
    public Folder makeFolders(String path, Created created) throws IOException {
        return makeFolders(clean(path), created, 0);
    }

    private Folder makeFolders(String clean, Created created, int links) throws IOException {
        try {
            return folder(clean);
        } catch (NoSuchFileException missing) {
            int slash = clean.lastIndexOf('/');
            String parentPath = slash < 0 ? "" : clean.substring(0, slash);
            String name = clean.substring(slash + 1);
            try (Folder parent = makeFolders(parentPath, created, links)) {
                try {
                    parent.createFolder(name, 0755).close();
                    created.folder(parent, name);
                } catch (FileAlreadyExistsException exists) {
                    if (parent.stat(name).isSymbolicLink()) {
                        // a dangling link: its target is made, as mkdir -p through Docker's in-root resolution does
                        if (links >= MAX_LINKS) {
                            throw new FileSystemLoopException(display(clean));
                        }
                        String target = parent.readLink(name);
                        return makeFolders(clean(target.startsWith("/") ? target : parentPath + "/" + target), created, links + 1);
                    }
                    // made meanwhile: resolved below like any other folder
                }
                return folder(clean);
            }
        }
    }

    @Override
    public void close() throws IOException {
        top.close();
    }

    @Override
    public String toString() {
        return hostPath.toString();
    }

    /**
     * The path cleaned as Go's path.Clean does it below "/", without the leading "/": "/a/./b/../c/" is "a/c",
     * "../x" is "x", "/" is "".
     */
    public static String clean(String path) {
        return CleanPath.clean("/" + path).substring(1);
    }

    private static String display(String clean) {
        return "/" + clean;
    }
}
