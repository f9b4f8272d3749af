package io.jmachine.engine.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * What statx(2) says of one file, never following a final link unless asked. {@code mode} holds the type bits
 * (S_IFMT) and the permission bits with set-id and sticky; device numbers are split as the kernel gives them.
 */
public record Stat(int mode, int uid, int gid, long size, long nlink, long mtimeSeconds, int mtimeNanos,
                   long devMajor, long devMinor, long inode, int rdevMajor, int rdevMinor) {

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    /** struct statx, whose layout is the same on every architecture. */
    static Stat fromStatx(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        return new Stat(b.getShort(28) & 0xffff, b.getInt(20), b.getInt(24), b.getLong(40), b.getInt(16) & 0xffffffffL,
                b.getLong(112), b.getInt(120), b.getInt(136) & 0xffffffffL, b.getInt(140) & 0xffffffffL, b.getLong(32),
                b.getInt(128), b.getInt(132));
    }

    public int type() {
        return mode & S_IFMT;
    }

    /** Permission, set-id and sticky bits. */
    public int permissions() {
        return mode & 07777;
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    public boolean isRegularFile() {
        return type() == S_IFREG;
    }

    public boolean isSymbolicLink() {
        return type() == S_IFLNK;
    }

    /** Character or block device, fifo or socket. */
    public boolean isOther() {
        return !isDirectory() && !isRegularFile() && !isSymbolicLink();
    }

    public FileTime lastModified() {
        return FileTime.from(Instant.ofEpochSecond(mtimeSeconds, mtimeNanos));
    }

    /** The device number in glibc's makedev encoding, as mknod takes it. */
    public long rdev() {
        return makedev(Integer.toUnsignedLong(rdevMajor), Integer.toUnsignedLong(rdevMinor));
    }

    /** A device number in glibc's makedev encoding from its major and minor numbers. */
    public static long makedev(long major, long minor) {
        return (major & 0xfff) << 8 | (major & 0xfffff000L) << 32 | (minor & 0xff) | (minor & 0xffffff00L) << 12;
    }

    /** Identifies the file on this host: device and inode (hard links share it). */
    public Object fileKey() {
        return new FileKey(devMajor, devMinor, inode);
    }

    private record FileKey(long devMajor, long devMinor, long inode) {}
}
