package io.jmachine.engine.network;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@code ip netns add} and {@code delete} do, as system calls in the engine: a start spares an ip process
 * (10-20 ms) on each. The new namespace is made by a platform thread of its own, which unshare(2)s its network
 * namespace (a thread's own; the JVM's other threads stay in theirs), bind-mounts it where runc and the CNI plugins
 * find it, and returns to the engine's namespace before it ends.
 */
final class NamespaceSyscalls {

    private static final int CLONE_NEWNET = 0x40000000;
    private static final long MS_BIND = 0x1000;
    private static final long MS_REC = 0x4000;
    private static final long MS_SHARED = 1 << 20;
    private static final int MNT_DETACH = 2;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINVAL = 22;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_UP = 0x1;
    /** struct ifreq: the name (IFNAMSIZ 16), then a union of 24 bytes whose first short is ifr_flags. */
    private static final int IFREQ_SIZE = 40;
    private static final int ENOENT = 2;

    static {
        Native.register(NamespaceSyscalls.class, NativeLibrary.getInstance("c", Map.of(Library.OPTION_STRING_ENCODING, "UTF-8")));
    }

    private NamespaceSyscalls() {
    }

    private static native int unshare(int flags);

    private static native int setns(int fd, int nstype);

    private static native int open(String path, int flags);

    private static native int close(int fd);

    private static native int mount(String source, String target, String type, long flags, String data);

    private static native int umount2(String target, int flags);

    private static native int socket(int domain, int type, int protocol);

    private static native int ioctl(int fd, long request, byte[] ifreq);

    private static native String strerror(int errno);

    /**
     * As iproute2: the folder is a shared mount, so that namespaces mounted in it show in every mount namespace
     * made from the host's afterwards (runc's containers among them); a folder that is no mount point yet is
     * bind-mounted on itself first.
     */
    static void shareFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        boolean madeMountPoint = false;
        while (mount("", dir.toString(), "none", MS_SHARED | MS_REC, null) < 0) {
            int errno = Native.getLastError();
            if (errno != EINVAL || madeMountPoint) {
                throw failure(errno, "mount --make-rshared " + dir);
            }
            if (mount(dir.toString(), dir.toString(), "none", MS_BIND | MS_REC, null) < 0) {
                throw failure(Native.getLastError(), "mount --rbind " + dir + " " + dir);
            }
            madeMountPoint = true;
        }
    }

    /** Makes a new network namespace with lo up and bind-mounts it on {@code mountPoint}, an existing empty file. */
    static void createAt(Path mountPoint) throws IOException {
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread maker = Thread.ofPlatform().name("netns-maker").daemon().start(() -> {
            int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
            if (own < 0) {
                failure.set(failure(Native.getLastError(), "open /proc/thread-self/ns/net"));
                return;
            }
            try {
                if (unshare(CLONE_NEWNET) < 0) {
                    failure.set(failure(Native.getLastError(), "unshare(CLONE_NEWNET)"));
                    return;
                }
                String loFailure = loopbackUp();
                if (loFailure != null) {
                    failure.set(new IOException(loFailure));
                } else if (mount("/proc/thread-self/ns/net", mountPoint.toString(), "none", MS_BIND, null) < 0) {
                    failure.set(failure(Native.getLastError(), "mount --bind /proc/thread-self/ns/net " + mountPoint));
                }
                // this thread ends now whatever happens; going back only keeps its last moments in the engine's namespace
                if (setns(own, CLONE_NEWNET) < 0 && failure.get() == null) {
                    failure.set(failure(Native.getLastError(), "setns back to the engine's network namespace"));
                }
            } finally {
                close(own);
            }
        });
        try {
            maker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the network namespace " + mountPoint, e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * In the calling thread's network namespace: lo up, as the CNI loopback plugin does (its addresses come with it),
     * sparing that plugin's process; null, or what failed.
     */
    private static String loopbackUp() {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return failure(Native.getLastError(), "socket(AF_INET) in the new namespace").getMessage();
        }
        try {
            byte[] ifreq = new byte[IFREQ_SIZE];
            ifreq[0] = 'l';
            ifreq[1] = 'o';
            if (ioctl(fd, SIOCGIFFLAGS, ifreq) < 0) {
                return failure(Native.getLastError(), "SIOCGIFFLAGS lo").getMessage();
            }
            ifreq[16] |= IFF_UP; // ifr_flags, little-endian on the hosts the engine runs on
            if (ioctl(fd, SIOCSIFFLAGS, ifreq) < 0) {
                return failure(Native.getLastError(), "SIOCSIFFLAGS lo up").getMessage();
            }
            return null;
        } finally {
            close(fd);
        }
    }

    /** Unmounts a namespace's mount point (lazily, as ip does); nothing when it is not mounted or gone. */
    static void unmount(Path mountPoint) throws IOException {
        if (umount2(mountPoint.toString(), MNT_DETACH) < 0) {
            int errno = Native.getLastError();
            if (errno != EINVAL && errno != ENOENT) {
                throw failure(errno, "umount " + mountPoint);
            }
        }
    }

    private static IOException failure(int errno, String what) {
        return new IOException(what + ": " + strerror(errno) + " (errno " + errno + ")");
    }
}
