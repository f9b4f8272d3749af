package io.jmachine.provisioner.contexts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One jmachine at a time changes the docker config: a lock on a file beside config.json between processes, and a
 * lock in this JVM between threads (verbs on several machines run in parallel, and a JVM cannot hold two locks on
 * one file). Re-entrant: a change that makes a context and then sets the current one takes it once.
 */
final class DockerConfigLock implements AutoCloseable {

    private static final ReentrantLock IN_PROCESS = new ReentrantLock();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final FileChannel channel;
    private final FileLock lock;

    private DockerConfigLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DockerConfigLock acquire(Path lockFile) {
        try {
            if (!IN_PROCESS.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy(lockFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerConfigException("interrupted while waiting for " + lockFile, e);
        }
        if (IN_PROCESS.getHoldCount() > 1) {
            return new DockerConfigLock(null, null);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + WAIT.toNanos();
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                if (System.nanoTime() > deadline) {
                    throw busy(lockFile);
                }
                Thread.sleep(20);
            }
            return new DockerConfigLock(channel, lock);
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(channel);
            IN_PROCESS.unlock();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof DockerConfigException known) {
                throw known;
            }
            throw new DockerConfigException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static DockerConfigException busy(Path lockFile) {
        return new DockerConfigException("another jmachine has held " + lockFile + " for " + WAIT.toSeconds()
                + " s; try again once it is done");
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException e) {
            // closing the channel releases it as well
        } finally {
            closeQuietly(channel);
            IN_PROCESS.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the lock goes with the descriptor
            }
        }
    }
}
