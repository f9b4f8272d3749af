package io.jmachine.engine.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A folder held open by a descriptor (O_PATH). Everything is done to one entry of it, named by a single path
 * component, without following a link in that last component: whatever is swapped in elsewhere while this runs,
 * these calls act on this folder's own entries. "" names the folder itself where a method says so.
 */
public final class Folder implements AutoCloseable {

    /** A regular file opened for reading, and what it was when opened. */
    public record OpenFile(FileChannel channel, Stat stat) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private final int fd;
    private final String where;
    /** In a read-only mount of a root's view: nothing in it may change (EROFS), as the runtime mounts it. */
    private final boolean readOnly;
    private boolean closed;

    Folder(int fd, String where) {
        this(fd, where, false);
    }

    Folder(int fd, String where, boolean readOnly) {
        this.fd = fd;
        this.where = where;
        this.readOnly = readOnly;
    }

    /** A host folder the engine trusts (its own data, a temp folder); links in {@code dir} itself are followed. */
    public static Folder open(Path dir) throws IOException {
        return open(dir, false);
    }

    static Folder open(Path dir, boolean readOnly) throws IOException {
        int fd = Syscalls.open(Syscalls.AT_FDCWD, dir.toString(), Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0, dir.toString());
        return new Folder(fd, dir.toString(), readOnly);
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /** Where this folder is, for messages: a path in its root, or a host path. */
    public String where() {
        return where;
    }

    /** An entry's path for messages. */
    public String where(String name) {
        return name.isEmpty() ? where : (where.endsWith("/") ? where : where + "/") + name;
    }

    int fd() {
        return fd;
    }

    /**
     * A path for Java's own file calls that reaches {@code name} in this very folder (through /proc/self/fd): the
     * caller must not follow a link in the last component.
     */
    public Path procPath(String name) {
        checkName(name, true);
        return Path.of(name.isEmpty() ? "/proc/self/fd/" + fd : "/proc/self/fd/" + fd + "/" + name);
    }

    // ---- looking ----

    public Stat stat() throws IOException {
        return Syscalls.stat(fd, "", false, where);
    }

    public Stat stat(String name) throws IOException {
        checkName(name, false);
        return Syscalls.stat(fd, name, false, where(name));
    }

    /** The entry's stat, or empty when there is none of that name. */
    public Optional<Stat> find(String name) throws IOException {
        checkName(name, false);
        return Optional.ofNullable(Syscalls.statIfExists(fd, name, where(name)));
    }

    /** The entries' names, sorted (so archives of the same tree are the same bytes). */
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procPath(""))) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        }
        names.sort(null);
        return names;
    }

    public boolean isEmpty() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procPath(""))) {
            return !entries.iterator().hasNext();
        }
    }

    public String readLink(String name) throws IOException {
        checkName(name, false);
        return Syscalls.readlink(fd, name, where(name));
    }

    // ---- opening ----

    /** The sub-folder {@code name}; a link there is not followed (NotDirectoryException), nor is anything else. */
    public Folder folder(String name) throws IOException {
        checkName(name, false);
        try {
            return new Folder(Syscalls.open(fd, name, Syscalls.O_PATH | Syscalls.O_DIRECTORY | Syscalls.O_NOFOLLOW, 0, where(name)),
                    where(name), readOnly);
        } catch (java.nio.file.FileSystemLoopException e) {
            throw new NotDirectoryException(where(name));
        }
    }

    /** This same folder, held by a second descriptor (for a caller that closes what it is given). */
    public Folder duplicate() throws IOException {
        return new Folder(Syscalls.open(fd, ".", Syscalls.O_PATH | Syscalls.O_DIRECTORY, 0, where), where, readOnly);
    }

    /** A regular file for reading; a link, fifo or device there is refused without being opened. */
    public OpenFile read(String name) throws IOException {
        checkName(name, false);
        int path = Syscalls.open(fd, name, Syscalls.O_PATH | Syscalls.O_NOFOLLOW, 0, where(name));
        try {
            return readable(path, where(name));
        } finally {
            Syscalls.close(path, where(name));
        }
    }

    /** Opens the regular file an O_PATH descriptor holds for reading, checking its type before anything opens it. */
    static OpenFile readable(int pathFd, String where) throws IOException {
        Stat stat = Syscalls.stat(pathFd, "", false, where);
        if (!stat.isRegularFile()) {
            throw new NotRegularFileException(where);
        }
        return new OpenFile(FileChannel.open(Path.of("/proc/self/fd/" + pathFd), StandardOpenOption.READ), stat);
    }

    // ---- making ----

    /** A new folder (refused when the name exists), held open. */
    public Folder createFolder(String name, int mode) throws IOException {
        checkName(name, false);
        writable(name);
        Syscalls.mkdir(fd, name, mode, where(name));
        return folder(name);
    }

    /**
     * A new regular file, open for writing, its owner, mode and times set through its own descriptor; an existing
     * entry of that name (a link too) is refused.
     */
    public NewFile create(String name) throws IOException {
        checkName(name, false);
        writable(name);
        int created = Syscalls.open(fd, name, Syscalls.O_WRONLY | Syscalls.O_CREAT | Syscalls.O_EXCL | Syscalls.O_NOFOLLOW, 0600,
                where(name));
        try {
            return new NewFile(created, FileChannel.open(Path.of("/proc/self/fd/" + created), StandardOpenOption.WRITE),
                    where(name));
        } catch (IOException | RuntimeException e) {
            Syscalls.close(created, where(name));
            throw e;
        }
    }

    /** A file just made by {@link #create}: its content through the channel, its metadata through its descriptor. */
    public static final class NewFile implements AutoCloseable {
        private final int fd;
        private final FileChannel channel;
        private final String where;

        private NewFile(int fd, FileChannel channel, String where) {
            this.fd = fd;
            this.channel = channel;
            this.where = where;
        }

        public FileChannel channel() {
            return channel;
        }

        public void chown(int uid, int gid) throws IOException {
            Syscalls.fchown(fd, uid, gid, where);
        }

        /** Permission, set-id and sticky bits; after {@link #chown}, which clears set-id bits. */
        public void chmod(int mode) throws IOException {
            Syscalls.fchmod(fd, mode, where);
        }

        public void setXattr(String attribute, byte[] value) throws IOException {
            Syscalls.fsetxattr(fd, attribute, value, where + " (" + attribute + ")");
        }

        /** Access and modification time; last, since writing the content changes them. */
        public void setTimes(FileTime time) throws IOException {
            long nanos = time.to(java.util.concurrent.TimeUnit.NANOSECONDS);
            Syscalls.futimens(fd, Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L), where);
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                Syscalls.close(fd, where);
            }
        }
    }

    public void symlink(String name, String target) throws IOException {
        checkName(name, false);
        writable(name);
        Syscalls.symlink(target, fd, name, where(name));
    }

    /** A hard link {@code name} to {@code sourceName} of {@code source} (a link there is linked itself). */
    public void link(String name, Folder source, String sourceName) throws IOException {
        checkName(name, false);
        checkName(sourceName, false);
        writable(name);
        Syscalls.link(source.fd, sourceName, fd, name, where(name));
    }

    /** A device, fifo or socket node; {@code mode} holds its type (S_IFCHR…) and permissions (the umask applies). */
    public void mknod(String name, int mode, long rdev) throws IOException {
        checkName(name, false);
        writable(name);
        Syscalls.mknod(fd, name, mode, rdev, where(name));
    }

    // ---- metadata ("" is this folder) ----

    public void chown(String name, int uid, int gid) throws IOException {
        checkName(name, true);
        writable(name);
        Syscalls.chown(fd, name, uid, gid, where(name));
    }

    /** Permission, set-id and sticky bits; not for links (Linux gives links no mode). */
    public void chmod(String name, int mode) throws IOException {
        checkName(name, true);
        writable(name);
        if (name.isEmpty()) {
            Syscalls.chmodFollowing(procPath("").toString(), mode, where);
        } else {
            Syscalls.chmod(fd, name, mode, where(name));
        }
    }

    /** Access and modification time; a link's own times when {@code name} is a link. */
    public void setTimes(String name, FileTime time) throws IOException {
        checkName(name, true);
        writable(name);
        long nanos = time.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        if (name.isEmpty()) {
            Syscalls.setTimesFollowing(procPath("").toString(), seconds, Math.floorMod(nanos, 1_000_000_000L), where);
        } else {
            Syscalls.setTimes(fd, name, seconds, Math.floorMod(nanos, 1_000_000_000L), where(name));
        }
    }

    public byte[] getXattr(String name, String attribute) throws IOException {
        return Syscalls.getXattr(procPath(name).toString(), attribute, name.isEmpty(), where(name) + " (" + attribute + ")");
    }

    public void setXattr(String name, String attribute, byte[] value) throws IOException {
        writable(name);
        Syscalls.setXattr(procPath(name).toString(), attribute, value, name.isEmpty(), where(name) + " (" + attribute + ")");
    }

    public List<String> listXattrs(String name) throws IOException {
        byte[] raw = Syscalls.listXattrs(procPath(name).toString(), name.isEmpty(), where(name));
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                names.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }

    // ---- removing ----

    /** Removes the entry, and everything below it when it is a folder, without following links; none is fine. */
    public void delete(String name) throws IOException {
        checkName(name, false);
        writable(name);
        Optional<Stat> stat = find(name);
        if (stat.isEmpty()) {
            return;
        }
        if (stat.get().isDirectory()) {
            try (Folder child = folder(name)) {
                for (String grandChild : child.list()) {
                    child.delete(grandChild);
                }
            } catch (NotDirectoryException swapped) {
                // replaced by a non-folder since the stat: removed below as such
                Syscalls.unlink(fd, name, false, where(name));
                return;
            }
        }
        try {
            Syscalls.unlink(fd, name, stat.get().isDirectory(), where(name));
        } catch (NoSuchFileException gone) {
            // removed by someone else meanwhile: the goal is reached
        }
    }

    /** Removes a host path and everything below it without following links (the path's own parents are trusted). */
    public static void deleteTree(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        if (absolute.getParent() == null) {
            throw new IllegalArgumentException("will not delete " + absolute);
        }
        try (Folder parent = open(absolute.getParent())) {
            parent.delete(absolute.getFileName().toString());
        } catch (NoSuchFileException gone) {
            // its folder is gone, so is it
        }
    }

    public void rename(String name, Folder to, String newName) throws IOException {
        checkName(name, false);
        checkName(newName, false);
        writable(name);
        to.writable(newName);
        Syscalls.rename(fd, name, to.fd, newName, where(name) + " to " + to.where(newName));
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            Syscalls.close(fd, where);
        }
    }

    @Override
    public String toString() {
        return where;
    }

    private void writable(String name) throws IOException {
        if (readOnly) {
            throw Syscalls.failure(Syscalls.EROFS, where(name));
        }
    }

    static void checkName(String name, boolean selfAllowed) {
        if (name.isEmpty() ? !selfAllowed : name.indexOf('/') >= 0 || name.equals(".") || name.equals("..")
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a single file name: '" + name + "'");
        }
    }
}
