package io.jmachine.engine.runtime.cgroup;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One thread in epoll_wait(2) over the descriptors of every OOM watch, started with the first. */
final class OomPoller {

    private static final Logger LOG = LoggerFactory.getLogger(OomPoller.class);

    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EPOLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int MAX_EVENTS = 32;
    /** struct epoll_event is packed on x86-64 (events, then data at 4), and aligned elsewhere (data at 8). */
    private static final int EVENT_SIZE = Platform.isIntel() && Platform.is64Bit() ? 12 : 16;
    private static final int DATA_OFFSET = EVENT_SIZE == 12 ? 4 : 8;

    private interface C extends Library {
        int epoll_create1(int flags);

        int epoll_ctl(int epfd, int op, int fd, Memory event);

        int epoll_wait(int epfd, Memory events, int maxevents, int timeout);

        String strerror(int errno);
    }

    private static final C LIBC = Native.load("c", C.class);

    private final Map<Integer, OomNotifier.Watch> watches = new ConcurrentHashMap<>();
    private int epollFd = -1;

    synchronized void add(int fd, OomNotifier.Watch watch) throws IOException {
        if (epollFd < 0) {
            epollFd = LIBC.epoll_create1(EPOLL_CLOEXEC);
            if (epollFd < 0) {
                throw failure("epoll_create1 for the OOM notifications");
            }
            int started = epollFd;
            Thread.ofPlatform().daemon().name("oom-watch").start(() -> run(started));
        }
        watches.put(fd, watch);
        Memory event = new Memory(EVENT_SIZE);
        event.clear();
        event.setInt(0, EPOLLIN);
        event.setLong(DATA_OFFSET, fd);
        if (LIBC.epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, event) < 0) {
            watches.remove(fd);
            throw failure("add the OOM notifications of a cgroup to epoll");
        }
    }

    private void run(int epoll) {
        Memory events = new Memory((long) EVENT_SIZE * MAX_EVENTS);
        while (true) {
            int n = LIBC.epoll_wait(epoll, events, MAX_EVENTS, -1);
            if (n < 0) {
                if (Native.getLastError() == EINTR) {
                    continue;
                }
                LOG.error("waiting for OOM notifications failed: {}", LIBC.strerror(Native.getLastError()));
                return;
            }
            for (int i = 0; i < n; i++) {
                int fd = (int) events.getLong((long) i * EVENT_SIZE + DATA_OFFSET);
                OomNotifier.Watch watch = watches.get(fd);
                if (watch != null && !watch.readable()) {
                    drop(fd, watch);
                }
            }
        }
    }

    /** Out of epoll, then closed: its number may be given to a new watch only after both. */
    private synchronized void drop(int fd, OomNotifier.Watch watch) {
        LIBC.epoll_ctl(epollFd, EPOLL_CTL_DEL, fd, new Memory(EVENT_SIZE));
        watches.remove(fd, watch);
        watch.release();
    }

    private static IOException failure(String what) {
        int errno = Native.getLastError();
        return new IOException("cannot " + what + ": " + LIBC.strerror(errno) + " (errno " + errno + ")");
    }
}
