package io.jmachine.engine.runtime.cgroup;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells when a cgroup's OOM counters may have changed, the way containerd's shim learns of an OOM: on v1 an
 * eventfd registered for {@code memory.oom_control} through {@code cgroup.event_control}, on v2 inotify on
 * {@code memory.events}. One thread waits in epoll_wait(2) for the descriptors of every watch (a thread per running
 * container cost memory), and the kernel wakes it; the caller reads the counters ({@link OomKills}) on each wake-up,
 * since a wake-up is not always a kill.
 */
public final class OomNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(OomNotifier.class);

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int IN_CLOEXEC = 0x80000;
    private static final int IN_MODIFY = 0x2;
    private static final int EINTR = 4;
    /** Room for a few inotify events at once; each is 16 bytes and the watch names no file. */
    private static final int INOTIFY_BUFFER = 256;

    private interface C extends Library {
        int eventfd(int initval, int flags);

        int inotify_init1(int flags);

        int inotify_add_watch(int fd, String path, int mask);

        int inotify_rm_watch(int fd, int wd);

        int open(String path, int flags);

        long read(int fd, byte[] buffer, long count);

        long write(int fd, byte[] buffer, long count);

        int close(int fd);

        String strerror(int errno);
    }

    private static final C LIBC = Native.load("c", C.class);

    private final CgroupLayout layout;
    private final OomPoller poller = new OomPoller();

    public OomNotifier(CgroupLayout layout) {
        this.layout = layout;
    }

    /**
     * Watches the cgroup at {@code cgroupPath} until the returned watch is closed (or, on v1, the cgroup is
     * removed). {@code onChange} runs on the watch's own thread.
     *
     * @return a watch that never fires when no memory controller is mounted
     * @throws IOException when the cgroup is not there or the kernel refuses the registration
     */
    public Watch watch(String cgroupPath, Runnable onChange) throws IOException {
        Optional<Path> counters = OomKills.counterFile(layout, cgroupPath);
        if (counters.isEmpty()) {
            return new Watch(cgroupPath);
        }
        Watch watch = layout.unified() ? inotify(counters.get(), cgroupPath) : eventfd(counters.get(), cgroupPath);
        watch.counters = counters.get();
        watch.onChange = onChange;
        try {
            poller.add(watch.fd, watch);
        } catch (IOException e) {
            watch.release();
            throw e;
        }
        return watch;
    }

    /** v1: an eventfd that the kernel signals on each OOM in the cgroup, and once more when the cgroup is removed. */
    private static Watch eventfd(Path oomControl, String cgroupPath) throws IOException {
        int eventFd = LIBC.eventfd(0, EFD_CLOEXEC);
        if (eventFd < 0) {
            throw failure("eventfd for the OOM notifications of " + cgroupPath);
        }
        int controlFd = LIBC.open(oomControl.toString(), O_RDONLY | O_CLOEXEC);
        if (controlFd < 0) {
            IOException e = failure("open " + oomControl);
            LIBC.close(eventFd);
            throw e;
        }
        Path eventControl = oomControl.resolveSibling("cgroup.event_control");
        int registerFd = LIBC.open(eventControl.toString(), O_WRONLY | O_CLOEXEC);
        try {
            byte[] registration = (eventFd + " " + controlFd).getBytes(StandardCharsets.US_ASCII);
            if (registerFd < 0 || LIBC.write(registerFd, registration, registration.length) < 0) {
                IOException e = failure("register for OOM notifications through " + eventControl);
                LIBC.close(controlFd);
                LIBC.close(eventFd);
                throw e;
            }
        } finally {
            if (registerFd >= 0) {
                LIBC.close(registerFd);
            }
        }
        return new Watch(cgroupPath, eventFd, controlFd, -1, 8);
    }

    /** v2: inotify on memory.events, which the kernel marks modified when a counter in it changes. */
    private static Watch inotify(Path memoryEvents, String cgroupPath) throws IOException {
        int inotifyFd = LIBC.inotify_init1(IN_CLOEXEC);
        if (inotifyFd < 0) {
            throw failure("inotify_init1 for the OOM notifications of " + cgroupPath);
        }
        int wd = LIBC.inotify_add_watch(inotifyFd, memoryEvents.toString(), IN_MODIFY);
        if (wd < 0) {
            IOException e = failure("inotify_add_watch " + memoryEvents);
            LIBC.close(inotifyFd);
            throw e;
        }
        return new Watch(cgroupPath, inotifyFd, -1, wd, INOTIFY_BUFFER);
    }

    private static IOException failure(String what) {
        int errno = Native.getLastError();
        return new IOException("cannot " + what + ": " + LIBC.strerror(errno) + " (errno " + errno + ")");
    }

    /** One cgroup's notifications; closing it ends them and frees its descriptors. */
    public static final class Watch implements AutoCloseable {

        private final String cgroupPath;
        /** The descriptor the thread reads: the eventfd (v1) or the inotify instance (v2); -1 for a watch that never fires. */
        private final int fd;
        private final int controlFd;
        private final int inotifyWatch;
        private final int readSize;
        private Path counters;
        private Runnable onChange;
        private boolean closed;
        private boolean released;

        private Watch(String cgroupPath) {
            this(cgroupPath, -1, -1, -1, 0);
            closed = true;
            released = true;
        }

        private Watch(String cgroupPath, int fd, int controlFd, int inotifyWatch, int readSize) {
            this.cgroupPath = cgroupPath;
            this.fd = fd;
            this.controlFd = controlFd;
            this.inotifyWatch = inotifyWatch;
            this.readSize = readSize;
        }

        /** Its descriptor is readable: reads it and tells the caller; false once the watch has ended. */
        boolean readable() {
            byte[] buffer = new byte[readSize];
            long n = LIBC.read(fd, buffer, buffer.length);
            if (n < 0 && Native.getLastError() == EINTR) {
                return true;
            }
            synchronized (this) {
                // v1 signals the removal of the cgroup too; v2's inotify says IN_IGNORED once the watch is removed
                if (n <= 0 || closed || !Files.exists(counters)) {
                    return false;
                }
            }
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.warn("handling an OOM notification of cgroup {} failed: {}", cgroupPath, e.getMessage());
            }
            return true;
        }

        synchronized void release() {
            if (!released) {
                released = true;
                closed = true;
                LIBC.close(fd);
                if (controlFd >= 0) {
                    LIBC.close(controlFd);
                }
            }
        }

        /** Ends the watch: the poller wakes, drops it and closes the descriptors. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (inotifyWatch >= 0) {
                // queues IN_IGNORED, which wakes the read
                LIBC.inotify_rm_watch(fd, inotifyWatch);
            } else {
                byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
                LIBC.write(fd, one, one.length);
            }
        }
    }
}
