package io.jmachine.engine.archive;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The file system calls Java lacks, through libc: device and fifo nodes (overlay whiteouts are char
 * devices 0:0), extended attributes on the link itself (opaque directories, file capabilities), mount and umount2.
 */
public final class LinuxFiles {

    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    private static final int ENODATA = 61;
    private static final int EINVAL = 22;
    private static final int ENOENT = 2;
    public static final int MNT_DETACH = 2;

    private interface LibC extends Library {
        int mknod(String path, int mode, long dev) throws LastErrorException;

        int lsetxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;

        long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

        long llistxattr(String path, byte[] list, long size) throws LastErrorException;

        int umount2(String target, int flags) throws LastErrorException;

        int mount(String source, String target, String type, long flags, String data) throws LastErrorException;
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private LinuxFiles() {
    }

    /** An overlayfs whiteout: a character device with device number 0:0. */
    public static void mknodWhiteout(Path path) throws IOException {
        mknod(path, S_IFCHR, 0);
    }

    public static void mkfifo(Path path, int permissions) throws IOException {
        mknod(path, S_IFIFO | (permissions & 07777), 0);
    }

    /** A node of any type: {@code mode} holds its type (S_IFCHR, S_IFIFO…) and permissions; umask applies. */
    public static void mknod(Path path, int mode, long dev) throws IOException {
        try {
            LIBC.mknod(path.toString(), mode, dev);
        } catch (LastErrorException e) {
            throw new IOException("mknod " + path + " failed: " + describe(e), e);
        }
    }

    public static void setXattr(Path path, String name, byte[] value) throws IOException {
        try {
            LIBC.lsetxattr(path.toString(), name, value, value.length, 0);
        } catch (LastErrorException e) {
            throw new IOException("setting xattr " + name + " on " + path + " failed: " + describe(e), e);
        }
    }

    /** The attribute's value, or null when the file does not have it. */
    public static byte[] getXattr(Path path, String name) throws IOException {
        byte[] buffer = new byte[256];
        while (true) {
            try {
                int size = (int) LIBC.lgetxattr(path.toString(), name, buffer, buffer.length);
                return java.util.Arrays.copyOf(buffer, size);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENODATA) {
                    return null;
                }
                if (e.getErrorCode() == 34 /* ERANGE */ && buffer.length < 65536) {
                    buffer = new byte[buffer.length * 16];
                    continue;
                }
                throw new IOException("reading xattr " + name + " of " + path + " failed: " + describe(e), e);
            }
        }
    }

    public static List<String> listXattrs(Path path) throws IOException {
        byte[] buffer = new byte[4096];
        int size;
        try {
            size = (int) LIBC.llistxattr(path.toString(), buffer, buffer.length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 95 /* EOPNOTSUPP */) {
                return List.of();
            }
            throw new IOException("listing xattrs of " + path + " failed: " + describe(e), e);
        }
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < size; i++) {
            if (buffer[i] == 0) {
                names.add(new String(buffer, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }

    /** mount(2): {@code data} (the file system's options) must fit in a page, as the kernel copies one. */
    public static void mount(String source, Path target, String type, long flags, String data) throws IOException {
        try {
            LIBC.mount(source, target.toString(), type, flags, data);
        } catch (LastErrorException e) {
            throw new IOException("mount -t " + type + " " + source + " " + target + " -o " + data + " failed: " + describe(e), e);
        }
    }

    /** Unmounts; false when nothing was mounted there (EINVAL) or the path is gone. */
    public static boolean umount(Path target, int flags) throws IOException {
        try {
            LIBC.umount2(target.toString(), flags);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINVAL || e.getErrorCode() == ENOENT) {
                return false;
            }
            throw new IOException("umount " + target + " failed: " + describe(e), e);
        }
    }

    private static String describe(LastErrorException e) {
        return "errno " + e.getErrorCode() + " (" + e.getMessage() + ")";
    }
}
