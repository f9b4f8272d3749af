package io.jmachine.engine.fs;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

/**
 * The descriptor-relative calls of libc ({@code *at}, statx, openat2) that Java lacks, bound directly (JNA's
 * direct mapping: one native call per file operation, no proxy). Errors become Java's own file system
 * exceptions, naming what was asked.
 */
final class Syscalls {

    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_NONBLOCK = 04000;
    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;

    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_IN_ROOT = 0x10;

    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int EROFS = 30;
    static final int ERANGE = 34;
    static final int ENOSYS = 38;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;
    static final int ENODATA = 61;
    static final int EOPNOTSUPP = 95;
    static final int EPERM = 1;

    /** openat2's number is the same on every architecture (it came after the syscall tables were unified). */
    private static final long SYS_OPENAT2 = 437;
    private static final int STATX_BASIC_STATS = 0x7ff;

    static {
        Native.register(Syscalls.class, NativeLibrary.getInstance("c", Map.of(Library.OPTION_STRING_ENCODING, "UTF-8")));
    }

    private Syscalls() {
    }

    private static native long syscall(long number, int dirfd, String path, byte[] how, long size);

    private static native int openat(int dirfd, String path, int flags, int mode);

    private static native int close(int fd);

    private static native int statx(int dirfd, String path, int flags, int mask, byte[] buffer);

    private static native int mkdirat(int dirfd, String path, int mode);

    private static native int mknodat(int dirfd, String path, int mode, long dev);

    private static native int symlinkat(String target, int dirfd, String path);

    private static native int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    private static native int unlinkat(int dirfd, String path, int flags);

    private static native int renameat(int olddirfd, String oldpath, int newdirfd, String newpath);

    private static native long readlinkat(int dirfd, String path, byte[] buffer, long size);

    private static native int fchownat(int dirfd, String path, int uid, int gid, int flags);

    private static native int fchmodat(int dirfd, String path, int mode, int flags);

    private static native int utimensat(int dirfd, String path, long[] times, int flags);

    private static native long lgetxattr(String path, String name, byte[] value, long size);

    private static native int lsetxattr(String path, String name, byte[] value, long size, int flags);

    private static native long llistxattr(String path, byte[] list, long size);

    private static native long getxattr(String path, String name, byte[] value, long size);

    private static native int setxattr(String path, String name, byte[] value, long size, int flags);

    private static native long listxattr(String path, byte[] list, long size);

    private static native int fchown(int fd, int uid, int gid);

    private static native int fchmod(int fd, int mode);

    private static native int futimens(int fd, long[] times);

    private static native int fsetxattr(int fd, String name, byte[] value, long size, int flags);

    /** A libc call that answers -1 and sets errno on failure (JNA keeps errno for Native.getLastError). */
    @FunctionalInterface
    private interface Call {
        long run();
    }

    private static long call(Call call, String what) throws IOException {
        long result = call.run();
        if (result < 0) {
            throw failure(Native.getLastError(), what);
        }
        return result;
    }

    /** openat2(2): the path resolved by the kernel with {@code resolve} flags; a descriptor, or -errno. */
    static int openat2(int dirfd, String path, int flags, long resolve) {
        byte[] how = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()).putLong(flags).putLong(0).putLong(resolve).array();
        int fd = (int) syscall(SYS_OPENAT2, dirfd, path, how, how.length);
        return fd >= 0 ? fd : -Native.getLastError();
    }

    static int open(int dirfd, String name, int flags, int mode, String what) throws IOException {
        return (int) call(() -> openat(dirfd, name, flags | O_CLOEXEC, mode), what);
    }

    static void close(int fd, String what) throws IOException {
        if (close(fd) < 0 && Native.getLastError() != EINTR) {
            throw failure(Native.getLastError(), what);
        }
    }

    /** The entry's stat, or null when there is nothing of that name (no exception made for the common miss). */
    static Stat statIfExists(int dirfd, String name, String what) throws IOException {
        byte[] buffer = new byte[256];
        if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer) < 0) {
            int errno = Native.getLastError();
            if (errno == ENOENT) {
                return null;
            }
            throw failure(errno, what);
        }
        return Stat.fromStatx(buffer);
    }

    static Stat stat(int dirfd, String name, boolean follow, String what) throws IOException {
        byte[] buffer = new byte[256];
        int flags = (name.isEmpty() ? AT_EMPTY_PATH : 0) | (follow ? 0 : AT_SYMLINK_NOFOLLOW);
        call(() -> statx(dirfd, name, flags, STATX_BASIC_STATS, buffer), what);
        return Stat.fromStatx(buffer);
    }

    static void mkdir(int dirfd, String name, int mode, String what) throws IOException {
        call(() -> mkdirat(dirfd, name, mode), what);
    }

    static void mknod(int dirfd, String name, int mode, long dev, String what) throws IOException {
        call(() -> mknodat(dirfd, name, mode, dev), what);
    }

    static void symlink(String target, int dirfd, String name, String what) throws IOException {
        call(() -> symlinkat(target, dirfd, name), what);
    }

    static void link(int fromDir, String fromName, int toDir, String toName, String what) throws IOException {
        // flags 0: a symlink source is linked itself, never followed
        call(() -> linkat(fromDir, fromName, toDir, toName, 0), what);
    }

    static void unlink(int dirfd, String name, boolean directory, String what) throws IOException {
        call(() -> unlinkat(dirfd, name, directory ? AT_REMOVEDIR : 0), what);
    }

    static void rename(int fromDir, String fromName, int toDir, String toName, String what) throws IOException {
        call(() -> renameat(fromDir, fromName, toDir, toName), what);
    }

    static String readlink(int dirfd, String name, String what) throws IOException {
        byte[] buffer = new byte[256];
        while (true) {
            byte[] into = buffer;
            long size = call(() -> readlinkat(dirfd, name, into, into.length), what);
            if (size < buffer.length) {
                return new String(buffer, 0, (int) size, java.nio.charset.StandardCharsets.UTF_8);
            }
            buffer = new byte[buffer.length * 4];
        }
    }

    static void chown(int dirfd, String name, int uid, int gid, String what) throws IOException {
        call(() -> fchownat(dirfd, name, uid, gid, (name.isEmpty() ? AT_EMPTY_PATH : 0) | AT_SYMLINK_NOFOLLOW), what);
    }

    /** glibc's fchmodat with AT_SYMLINK_NOFOLLOW changes the entry itself (fchmodat2, or O_PATH and /proc). */
    static void chmod(int dirfd, String name, int mode, String what) throws IOException {
        call(() -> fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW), what);
    }

    /** chmod of what {@code path} leads to: for /proc/self/fd/N, the file that descriptor holds. */
    static void chmodFollowing(String path, int mode, String what) throws IOException {
        call(() -> fchmodat(AT_FDCWD, path, mode, 0), what);
    }

    static void setTimesFollowing(String path, long seconds, long nanos, String what) throws IOException {
        call(() -> utimensat(AT_FDCWD, path, new long[] {seconds, nanos, seconds, nanos}, 0), what);
    }

    /** Sets access and modification time to {@code seconds}/{@code nanos}, never following a final link. */
    static void setTimes(int dirfd, String name, long seconds, long nanos, String what) throws IOException {
        call(() -> utimensat(dirfd, name, new long[] {seconds, nanos, seconds, nanos}, AT_SYMLINK_NOFOLLOW), what);
    }

    /** Owner, mode, times and attributes of a file held open for writing, through its descriptor. */
    static void fchown(int fd, int uid, int gid, String what) throws IOException {
        call(() -> fchown(fd, uid, gid), what);
    }

    static void fchmod(int fd, int mode, String what) throws IOException {
        call(() -> fchmod(fd, mode), what);
    }

    static void futimens(int fd, long seconds, long nanos, String what) throws IOException {
        call(() -> futimens(fd, new long[] {seconds, nanos, seconds, nanos}), what);
    }

    static void fsetxattr(int fd, String name, byte[] value, String what) throws IOException {
        if (fsetxattr(fd, name, value, value.length, 0) < 0) {
            throw xattrFailure(Native.getLastError(), what);
        }
    }

    /** The attribute's value, or null when the file has none of that name (or the file system has none at all). */
    static byte[] getXattr(String path, String name, boolean follow, String what) throws IOException {
        byte[] buffer = new byte[256];
        while (true) {
            long size = follow ? getxattr(path, name, buffer, buffer.length) : lgetxattr(path, name, buffer, buffer.length);
            if (size >= 0) {
                return java.util.Arrays.copyOf(buffer, (int) size);
            }
            int errno = Native.getLastError();
            if (errno == ENODATA || errno == EOPNOTSUPP) {
                return null;
            }
            if (errno != ERANGE || buffer.length >= 65536) {
                throw failure(errno, what);
            }
            buffer = new byte[buffer.length * 16];
        }
    }

    static void setXattr(String path, String name, byte[] value, boolean follow, String what) throws IOException {
        if ((follow ? setxattr(path, name, value, value.length, 0) : lsetxattr(path, name, value, value.length, 0)) < 0) {
            throw xattrFailure(Native.getLastError(), what);
        }
    }

    /** A refusal of the attribute itself is told apart from other failures, which callers may skip as dockerd does. */
    private static IOException xattrFailure(int errno, String what) {
        return switch (errno) {
            case EOPNOTSUPP -> new XattrRefusedException(what, XattrRefusedException.Reason.NOT_SUPPORTED, errnoName(errno));
            case EINVAL -> new XattrRefusedException(what, XattrRefusedException.Reason.INVALID, errnoName(errno));
            case EPERM -> new XattrRefusedException(what, XattrRefusedException.Reason.NOT_PERMITTED, "operation not permitted");
            default -> failure(errno, what);
        };
    }

    /** The names of the file's extended attributes, NUL-separated; empty when the file system has none. */
    static byte[] listXattrs(String path, boolean follow, String what) throws IOException {
        byte[] buffer = new byte[1024];
        while (true) {
            long size = follow ? listxattr(path, buffer, buffer.length) : llistxattr(path, buffer, buffer.length);
            if (size >= 0) {
                return java.util.Arrays.copyOf(buffer, (int) size);
            }
            int errno = Native.getLastError();
            if (errno == EOPNOTSUPP) {
                return new byte[0];
            }
            if (errno != ERANGE || buffer.length >= 65536 * 4) {
                throw failure(errno, what);
            }
            buffer = new byte[buffer.length * 16];
        }
    }

    /** Java's exception for the errno, so callers catch NoSuchFileException and friends as with java.nio.file. */
    static IOException failure(int errno, String what) {
        String reason = errnoName(errno);
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(what);
            case EEXIST -> new FileAlreadyExistsException(what);
            case ENOTDIR -> new NotDirectoryException(what);
            case ENOTEMPTY -> new DirectoryNotEmptyException(what);
            case EACCES, EPERM -> new AccessDeniedException(what, null, reason);
            case ELOOP -> new FileSystemLoopException(what);
            default -> new FileSystemException(what, null, reason);
        };
    }

    static String errnoName(int errno) {
        return switch (errno) {
            case ENOENT -> "no such file or directory";
            case EEXIST -> "file exists";
            case ENOTDIR -> "not a directory";
            case EISDIR -> "is a directory";
            case ENOTEMPTY -> "directory not empty";
            case EACCES, EPERM -> "permission denied";
            case ELOOP -> "too many levels of symbolic links, or a symbolic link where none may be";
            case EXDEV -> "crosses a file system or root boundary";
            case EINVAL -> "invalid argument";
            case EROFS -> "read-only file system";
            case 28 -> "no space left on device";
            case 122 -> "disk quota exceeded";
            case EOPNOTSUPP -> "operation not supported";
            default -> "errno " + errno;
        };
    }
}
