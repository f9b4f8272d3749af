package io.jmachine.engine.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A host folder used as "/" (a container's or image's root file system, a build context, an unpacked archive):
 * every path is resolved by the kernel inside it, as if chrooted there (openat2 with RESOLVE_IN_ROOT, or, on
 * kernels before 5.6, a walk that holds each folder open). Links, absolute or relative, and ".." never lead out,
 * whatever the tree holds and whatever changes in it meanwhile: there is no check-then-open to race.
 * <p>
 * A root may have host folders and files mounted on some of its paths, as a container's volumes and binds are
 * ({@link #open(Path, List)}): paths are then resolved in that view, the walk going on inside a mount below its
 * destination, and what is in a read-only mount cannot be changed (EROFS).
 */
public final class Root implements AutoCloseable {

    /** A host folder or file mounted on {@code destination}, as a container's volume or bind; the host path is trusted. */
    public record Mount(String destination, Path source, boolean readOnly) {}

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
    /** By destination in the view; empty for a plain root. */
    private final Map<String, MountWalk.Mounted> mounts = new LinkedHashMap<>();
    private final Map<String, Mount> mountsAsGiven = new LinkedHashMap<>();
    private final java.util.Set<String> mountNames = new java.util.HashSet<>();

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

    /**
     * {@code dir} as "/" with {@code mounts} on it. Each destination is placed where the runtime mounts it, its
     * links followed in the view (parents' mounts first), and made when missing (a folder, or an empty file for a
     * mounted file), as runc and dockerd's archive calls do.
     */
    public static Root open(Path dir, List<Mount> mounts) throws IOException {
        Root root = open(dir);
        try {
            List<Mount> parentsFirst = new ArrayList<>(mounts);
            parentsFirst.sort(java.util.Comparator.comparingInt(m -> clean(m.destination()).split("/").length));
            for (Mount mount : parentsFirst) {
                String clean = clean(mount.destination());
                if (clean.isEmpty()) {
                    throw new IllegalArgumentException("nothing may be mounted on the root itself: " + mount);
                }
                String destination = root.placed(clean);
                boolean folder = java.nio.file.Files.isDirectory(mount.source());
                root.makeMountPoint(destination, folder);
                MountWalk.Mounted mounted;
                if (folder) {
                    mounted = new MountWalk.Mounted(destination, Folder.open(mount.source(), mount.readOnly()), "", mount.readOnly());
                } else {
                    Path source = mount.source().toAbsolutePath();
                    mounted = new MountWalk.Mounted(destination, Folder.open(source.getParent(), mount.readOnly()),
                            source.getFileName().toString(), mount.readOnly());
                }
                MountWalk.Mounted replaced = root.mounts.put(destination, mounted);
                if (replaced != null) {
                    replaced.folder().close();
                }
                root.mountsAsGiven.put(destination, mount);
                root.mountNames.add(destination.substring(destination.lastIndexOf('/') + 1));
            }
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
        return root;
    }

    /** As {@code mkdir -p} (or a new empty file): a mount point that cannot be made is left as it is, unseen. */
    private void makeMountPoint(String destination, boolean folder) throws IOException {
        int slash = destination.lastIndexOf('/');
        String name = destination.substring(slash + 1);
        try (Folder parent = makeFolders(slash < 0 ? "" : destination.substring(0, slash), (p, n) -> { })) {
            if (parent.find(name).isEmpty()) {
                if (folder) {
                    parent.createFolder(name, 0755).close();
                } else {
                    parent.create(name).close();
                }
            }
        } catch (java.nio.file.FileSystemException e) {
            // a file where a folder should be, a read-only parent mount: the runtime would fail there too
        }
    }

    /** Where a mount on {@code clean} lands: the path with its links followed in the view so far, as far as it exists. */
    private String placed(String clean) throws IOException {
        try {
            return walk(clean);
        } catch (NoSuchFileException | NotDirectoryException | FileSystemLoopException missing) {
            int slash = clean.lastIndexOf('/');
            if (slash < 0) {
                return clean;
            }
            try {
                String parent = walk(clean.substring(0, slash));
                return parent.isEmpty() ? clean.substring(slash + 1) : parent + "/" + clean.substring(slash + 1);
            } catch (NoSuchFileException | NotDirectoryException | FileSystemLoopException parentMissing) {
                return clean;
            }
        }
    }

    /** The real path of {@code clean} in the view, with the mounts placed so far (none yet too). */
    private String walk(String clean) throws IOException {
        MountWalk.Resolved resolved = MountWalk.resolve(top.fd(), mounts, clean, true, display(clean));
        Syscalls.close(resolved.fd(), display(clean));
        return resolved.path();
    }

    public boolean hasMounts() {
        return !mounts.isEmpty();
    }

    /** Whether something is mounted on a path whose last component is {@code name}: a cheap test before {@link #mounted}. */
    public boolean mayBeMountPoint(String name) {
        return mountNames.contains(name);
    }

    /**
     * The path in the view that {@code path} leads to, every link on the way resolved (the last one too when told to);
     * in a root without mounts, the path cleaned.
     */
    public String realPath(String path, boolean followFinal) throws IOException {
        String clean = clean(path);
        if (mounts.isEmpty()) {
            return clean;
        }
        MountWalk.Resolved resolved = resolve(clean, followFinal);
        Syscalls.close(resolved.fd(), display(clean));
        return resolved.path();
    }

    /** The mount whose tree {@code path} leads into (links followed), if any: the innermost. */
    public Optional<Mount> mountOf(String path) throws IOException {
        if (mounts.isEmpty()) {
            return Optional.empty();
        }
        String real = realPath(path, true);
        Mount innermost = null;
        int depth = -1;
        for (Map.Entry<String, Mount> mount : mountsAsGiven.entrySet()) {
            String destination = mount.getKey();
            if ((real.equals(destination) || real.startsWith(destination + "/")) && destination.length() > depth) {
                innermost = mount.getValue();
                depth = destination.length();
            }
        }
        return Optional.ofNullable(innermost);
    }

    /**
     * What is mounted exactly on {@code realPath} (a path as {@link #realPath} gives it), located: a mounted folder
     * as itself (name ""), a mounted file as its name in its host folder; empty when nothing is mounted there.
     */
    public Optional<Located> mounted(String realPath) throws IOException {
        MountWalk.Mounted mounted = mounts.get(realPath);
        if (mounted == null) {
            return Optional.empty();
        }
        return Optional.of(new Located(mounted.folder().duplicate(), mounted.fileName()));
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
        MountWalk.Resolved resolved = resolve(clean, true);
        int fd = resolved.fd();
        try {
            if (!Syscalls.stat(fd, "", false, display(clean)).isDirectory()) {
                throw new NotDirectoryException(display(clean));
            }
        } catch (IOException | RuntimeException e) {
            Syscalls.close(fd, display(clean));
            throw e;
        }
        return new Folder(fd, display(clean), resolved.readOnly());
    }

    /** The kernel's resolution in a plain root; the walk through the mounts in a view. */
    private MountWalk.Resolved resolve(String clean, boolean followFinal) throws IOException {
        if (mounts.isEmpty()) {
            return new MountWalk.Resolved(resolver.resolve(top.fd(), clean, followFinal, display(clean)), clean, false);
        }
        return MountWalk.resolve(top.fd(), mounts, clean, followFinal, display(clean));
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
        String name = clean.substring(slash + 1);
        Folder parent = folder(slash < 0 ? "" : clean.substring(0, slash));
        if (!mounts.isEmpty()) {
            // a mount's destination is what is mounted there, not what it hides
            Optional<Located> mounted;
            try {
                String parentPath = realPath(slash < 0 ? "" : clean.substring(0, slash), true);
                mounted = mounted(parentPath.isEmpty() ? name : parentPath + "/" + name);
            } catch (IOException | RuntimeException e) {
                parent.close();
                throw e;
            }
            if (mounted.isPresent()) {
                parent.close();
                return mounted.get();
            }
        }
        return new Located(parent, name);
    }

    /** What {@code path} is, following a last link (inside the root) when told to. */
    public Stat stat(String path, boolean followFinal) throws IOException {
        String clean = clean(path);
        int fd = resolve(clean, followFinal).fd();
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
        int fd = resolve(clean, true).fd();
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
        try {
            for (MountWalk.Mounted mounted : mounts.values()) {
                mounted.folder().close();
            }
        } finally {
            top.close();
        }
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
