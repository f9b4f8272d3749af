package io.jmachine.engine.monitor;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The few libc calls the JDK lacks, and the only JNA in this package: conmon's attach socket is
 * AF_UNIX SOCK_SEQPACKET (the JDK opens only stream and datagram Unix sockets), FIFOs must be made
 * with mkfifo(3), and conmon's control FIFO must be opened without blocking so that a dead conmon
 * shows as ENXIO rather than a hang.
 */
final class Libc {

    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int O_WRONLY = 1;
    private static final int O_RDONLY = 0;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_PATH = 0x200000;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;
    private static final int EINTR = 4;
    private static final int ENXIO = 6;
    private static final int EAGAIN = 11;
    private static final short POLLIN = 0x1;
    private static final int SUN_PATH_MAX = 108;

    private interface C extends Library {
        int socket(int domain, int type, int protocol);

        int connect(int fd, byte[] address, int length);

        long read(int fd, byte[] buffer, long count);

        long write(int fd, byte[] buffer, long count);

        int shutdown(int fd, int how);

        int close(int fd);

        int open(String path, int flags);

        int mkfifo(String path, int mode);

        int poll(byte[] fds, long count, int timeoutMillis);

        String strerror(int errno);
    }

    private static final C LIBC = Native.load("c", C.class);

    private Libc() {
    }

    /**
     * Connects a SOCK_SEQPACKET socket to {@code directory/name}. The address goes through
     * /proc/self/fd/N of the opened directory, as conmon binds it, so that deep directories do not
     * overflow sun_path's 108 bytes.
     */
    static int connectSeqPacket(Path directory, String name) throws IOException {
        int dirFd = LIBC.open(directory.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirFd < 0) {
            throw failure("open " + directory);
        }
        try {
            int fd = LIBC.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("socket(AF_UNIX, SOCK_SEQPACKET)");
            }
            byte[] address = unixAddress("/proc/self/fd/" + dirFd + "/" + name);
            if (LIBC.connect(fd, address, address.length) < 0) {
                IOException e = failure("connect to " + directory.resolve(name));
                LIBC.close(fd);
                throw e;
            }
            return fd;
        } finally {
            LIBC.close(dirFd);
        }
    }

    /** One read(2), retried on EINTR: for a SOCK_SEQPACKET socket one message; 0 at the end. */
    static int read(int fd, byte[] buffer) throws IOException {
        while (true) {
            long n = LIBC.read(fd, buffer, buffer.length);
            if (n >= 0) {
                return (int) n;
            }
            if (Native.getLastError() != EINTR) {
                throw failure("read");
            }
        }
    }

    /** One read(2) of a non-blocking fd: the bytes read, 0 at the end, -1 when there is nothing yet. */
    static int readNonBlocking(int fd, byte[] buffer) throws IOException {
        while (true) {
            long n = LIBC.read(fd, buffer, buffer.length);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Native.getLastError();
            if (errno == EAGAIN) {
                return -1;
            }
            if (errno != EINTR) {
                throw failure("read");
            }
        }
    }

    /** Waits up to {@code timeoutMillis} for the fd to be readable or hung up; false when the time ran out. */
    static boolean awaitReadable(int fd, int timeoutMillis) throws IOException {
        // struct pollfd { int fd; short events; short revents; }, little-endian on the hosts the engine runs on
        byte[] pollFd = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(fd).putShort(POLLIN).putShort((short) 0).array();
        int ready = LIBC.poll(pollFd, 1, timeoutMillis);
        if (ready < 0) {
            if (Native.getLastError() == EINTR) {
                return false;
            }
            throw failure("poll");
        }
        return ready > 0;
    }

    /** Writes all of {@code data}; on a SOCK_SEQPACKET socket as one message. */
    static void write(int fd, byte[] data) throws IOException {
        int offset = 0;
        while (offset < data.length) {
            byte[] rest = offset == 0 ? data : java.util.Arrays.copyOfRange(data, offset, data.length);
            long n = LIBC.write(fd, rest, rest.length);
            if (n < 0) {
                if (Native.getLastError() == EINTR) {
                    continue;
                }
                throw failure("write");
            }
            offset += (int) n;
        }
    }

    static void shutdownOutput(int fd) throws IOException {
        if (LIBC.shutdown(fd, SHUT_WR) < 0) {
            throw failure("shutdown(SHUT_WR)");
        }
    }

    /** Ends both directions, which wakes a thread blocked in read(2) on the socket. */
    static void shutdownBoth(int fd) {
        LIBC.shutdown(fd, SHUT_RDWR);
    }

    static void close(int fd) {
        LIBC.close(fd);
    }

    static void mkfifo(Path path) throws IOException {
        if (LIBC.mkfifo(path.toString(), 0600) < 0) {
            throw failure("mkfifo " + path);
        }
    }

    /**
     * Opens a FIFO's write end without blocking; -1 when nobody has its read end open (ENXIO), which
     * for conmon's control FIFO means conmon is gone.
     */
    static int openFifoForWriting(Path fifo) throws IOException {
        int fd = LIBC.open(fifo.toString(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            if (Native.getLastError() == ENXIO) {
                return -1;
            }
            throw failure("open " + fifo);
        }
        return fd;
    }

    /** Opens a FIFO's read end without blocking, to release a writer stuck in open(2). */
    static int openFifoForReading(Path fifo) throws IOException {
        int fd = LIBC.open(fifo.toString(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            throw failure("open " + fifo);
        }
        return fd;
    }

    private static byte[] unixAddress(String path) throws IOException {
        byte[] pathBytes = path.getBytes(StandardCharsets.UTF_8);
        if (pathBytes.length >= SUN_PATH_MAX) {
            throw new IOException("unix socket path " + path + " is longer than " + (SUN_PATH_MAX - 1) + " bytes");
        }
        byte[] address = new byte[2 + SUN_PATH_MAX];
        address[0] = (byte) AF_UNIX; // sa_family_t, little-endian on the hosts the engine runs on
        System.arraycopy(pathBytes, 0, address, 2, pathBytes.length);
        return address;
    }

    private static IOException failure(String what) {
        int errno = Native.getLastError();
        return new IOException(what + ": " + LIBC.strerror(errno) + " (errno " + errno + ")");
    }
}
