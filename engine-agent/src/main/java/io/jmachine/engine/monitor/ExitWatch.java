package io.jmachine.engine.monitor;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One inotify watch service for the exit folders of every monitored process: a JDK watch service has a thread of its
 * own, and one per running container cost a thread each (50 containers, 50 threads). Waiters register a folder, and
 * are woken when a file appears in it.
 */
final class ExitWatch {

    /** A registered folder: how many wait on it, and a count of its events to wait for the next one. */
    static final class Folder {
        private final WatchKey key;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long events;
        private int waiters;

        private Folder(WatchKey key) {
            this.key = key;
        }

        long events() {
            lock.lock();
            try {
                return events;
            } finally {
                lock.unlock();
            }
        }

        /** Waits up to {@code millis} for an event after the {@code seen}th. */
        void awaitAfter(long seen, long millis) throws InterruptedException {
            lock.lock();
            try {
                long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
                while (events == seen && nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
        }

        private void signal() {
            lock.lock();
            try {
                events++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final Map<WatchKey, Folder> folders = new HashMap<>();
    private WatchService watcher;

    /** Watches {@code dir} for new files until {@link #release}; an already watched folder is shared. */
    synchronized Folder register(Path dir) throws IOException {
        if (watcher == null) {
            watcher = FileSystems.getDefault().newWatchService();
            WatchService started = watcher;
            Thread.ofVirtual().name("exit-watch").start(() -> dispatch(started));
        }
        WatchKey key = dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        Folder folder = folders.computeIfAbsent(key, Folder::new);
        folder.waiters++;
        return folder;
    }

    /** One waiter less; the folder's watch ends with its last. */
    synchronized void release(Folder folder) {
        if (--folder.waiters == 0) {
            folders.remove(folder.key);
            folder.key.cancel();
        }
    }

    private void dispatch(WatchService service) {
        try {
            while (true) {
                WatchKey key = service.take();
                key.pollEvents();
                key.reset();
                Folder folder;
                synchronized (this) {
                    folder = folders.get(key);
                }
                if (folder != null) {
                    folder.signal();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // the engine stops
        }
    }
}
