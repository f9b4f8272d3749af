package io.jmachine.engine.fs;

import com.sun.jna.LastErrorException;
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

    private static native long syscall(long number, int dirfd, String path, byte[] how, long size) throws LastErrorException;

    private static native int openat(int dirfd, String path, int flags, int mode) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native int statx(int dirfd, String path, int flags, int mask, byte[] buffer) throws LastErrorException;

    private static native int mkdirat(int dirfd, String path, int mode) throws LastErrorException;

    private static native int mknodat(int dirfd, String path, int mode, long dev) throws LastErrorException;

    private static native int symlinkat(String target, int dirfd, String path) throws LastErrorException;

    private static native int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags) throws LastErrorException;

    private static native int unlinkat(int dirfd, String path, int flags) throws LastErrorException;

    private static native int renameat(int olddirfd, String oldpath, int newdirfd, String newpath) throws LastErrorException;

    private static native long readlinkat(int dirfd, String path, byte[] buffer, long size) throws LastErrorException;

    private static native int fchownat(int dirfd, String path, int uid, int gid, int flags) throws LastErrorException;

    private static native int fchmodat(int dirfd, String path, int mode, int flags) throws LastErrorException;

    private static native int utimensat(int dirfd, String path, long[] times, int flags) throws LastErrorException;

    private static native long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    private static native int lsetxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;

    private static native long llistxattr(String path, byte[] list, long size) throws LastErrorException;

    private static native long getxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    private static native int setxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;

    private static native long listxattr(String path, byte[] list, long size) throws LastErrorException;

    /** A libc call that sets errno on failure. */
    @FunctionalInterface
    private interface Call {
        long run() throws LastErrorException;
    }

    private static long call(Call call, String what) throws IOException {
        try {
            return call.run();
        } catch (LastErrorException e) {
            throw failure(e, what);
        }
    }

    /** openat2(2): the path resolved by the kernel with {@code resolve} flags; a descriptor. */
    static int openat2(int dirfd, String path, int flags, long resolve) throws LastErrorException {
        byte[] how = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()).putLong(flags).putLong(0).putLong(resolve).array();
        return (int) syscall(SYS_OPENAT2, dirfd, path, how, how.length);
    }

    static int open(int dirfd, String name, int flags, int mode, String what) throws IOException {
        return (int) call(() -> openat(dirfd, name, flags | O_CLOEXEC, mode), what);
    }

    static void close(int fd, String what) throws IOException {
        try {
            close(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINTR) {
                throw failure(e, what);
            }
        }
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
            long size;
            try {
                size = readlinkat(dirfd, name, buffer, buffer.length);
            } catch (LastErrorException e) {
                throw failure(e, what);
            }
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

    /** The attribute's value, or null when the file has none of that name (or the file system has none at all). */
    static byte[] getXattr(String path, String name, boolean follow, String what) throws IOException {
        byte[] buffer = new byte[256];
        while (true) {
            try {
                long size = follow ? getxattr(path, name, buffer, buffer.length) : lgetxattr(path, name, buffer, buffer.length);
                return java.util.Arrays.copyOf(buffer, (int) size);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENODATA || e.getErrorCode() == EOPNOTSUPP) {
                    return null;
                }
                if (e.getErrorCode() == ERANGE && buffer.length < 65536) {
                    buffer = new byte[buffer.length * 16];
                    continue;
                }
                throw failure(e, what);
            }
        }
    }

    static void setXattr(String path, String name, byte[] value, boolean follow, String what) throws IOException {
        call(() -> follow ? setxattr(path, name, value, value.length, 0) : lsetxattr(path, name, value, value.length, 0), what);
    }

    /** The names of the file's extended attributes, NUL-separated; empty when the file system has none. */
    static byte[] listXattrs(String path, boolean follow, String what) throws IOException {
        byte[] buffer = new byte[1024];
        while (true) {
            try {
                long size = follow ? listxattr(path, buffer, buffer.length) : llistxattr(path, buffer, buffer.length);
                return java.util.Arrays.copyOf(buffer, (int) size);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EOPNOTSUPP) {
                    return new byte[0];
                }
                if (e.getErrorCode() == ERANGE && buffer.length < 65536 * 4) {
                    buffer = new byte[buffer.length * 16];
                    continue;
                }
                throw failure(e, what);
            }
        }
    }

    /** Java's exception for the errno, so callers catch NoSuchFileException and friends as with java.nio.file. */
    static IOException failure(LastErrorException e, String what) {
        String reason = errnoName(e.getErrorCode());
        return switch (e.getErrorCode()) {
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
            case 28 -> "no space left on device";
            case 122 -> "disk quota exceeded";
            case EOPNOTSUPP -> "operation not supported";
            default -> "errno " + errno;
        };
    }
}
