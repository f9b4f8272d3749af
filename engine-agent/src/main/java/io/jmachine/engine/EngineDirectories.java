package io.jmachine.engine;

import io.jmachine.engine.config.ConfigException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.security.SecureRandom;

/**
 * The data root (durable) and exec root (runtime state), held by one engine at a time: a lock file in
 * the data root keeps a second engine out, and the pidfile says who holds them.
 */
final class EngineDirectories implements AutoCloseable {

    private final Path dataRoot;
    private final Path pidfile;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private EngineDirectories(Path dataRoot, Path pidfile, FileChannel lockChannel, FileLock lock) {
        this.dataRoot = dataRoot;
        this.pidfile = pidfile;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static EngineDirectories claim(Path dataRoot, Path execRoot, Path pidfile) {
        createPrivate(dataRoot);
        createPrivate(execRoot);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dataRoot.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException heldInThisProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new ConfigException("data root " + dataRoot + " is in use by another jmachine-engine"
                        + ownerHint(pidfile) + "; stop it, or give this one its own --data-root");
            }
            writePidfile(pidfile);
            return new EngineDirectories(dataRoot, pidfile, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConfigException("cannot lock data root " + dataRoot + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The engine's ID, made once and kept in the data root, as dockerd's engine-id. */
    String engineId() {
        Path file = dataRoot.resolve("engine-id");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            String hex = HexFormat.of().formatHex(random);
            String id = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20);
            io.jmachine.engine.linux.AtomicFiles.write(file, (id + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return id;
        } catch (IOException e) {
            throw new ConfigException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writePidfile(Path pidfile) throws IOException {
        if (Files.exists(pidfile)) {
            String text = Files.readString(pidfile).trim();
            try {
                long pid = Long.parseLong(text);
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new ConfigException("pid file " + pidfile + " names process " + pid + ", which is running; "
                            + "ensure jmachine-engine is not running, or delete " + pidfile);
                }
            } catch (NumberFormatException e) {
                // garbage from a crash: overwrite it
            }
        }
        Files.createDirectories(pidfile.getParent());
        Files.writeString(pidfile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }

    private static String ownerHint(Path pidfile) {
        try {
            return " (pid " + Files.readString(pidfile).trim() + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void createPrivate(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new ConfigException("cannot create " + dir + ": " + e.getMessage() + " (the engine runs as root)", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(pidfile);
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the process is ending: the lock goes with it
        }
    }
}
