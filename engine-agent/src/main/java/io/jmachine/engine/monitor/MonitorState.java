package io.jmachine.engine.monitor;

import io.jmachine.engine.linux.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files of one monitored process (a container, or an exec session in it) under the monitor's
 * state folder: what was asked (so that a later engine knows how to attach), conmon's and the
 * process's pid files, and the exit directory that conmon writes the exit code into. Everything a
 * new engine needs to pick the process up is here.
 *
 * <pre>
 * STATE/ID/monitor.json   STATE/ID/conmon.pid   STATE/ID/container.pid   STATE/ID/exit/ID
 * STATE/ID/exec/EXEC/{exec.json, conmon.pid, exec.pid, process.json, exit/ID, attach, ctl, winsz}
 * </pre>
 */
final class MonitorState {

    /** What a new engine must know about a monitored process: where its attach socket and log are, and its stdio. */
    record Record(String containerId, Path socketDir, Path logPath, boolean terminal, boolean stdin) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String containerId;
    private final boolean execSession;

    private MonitorState(Path dir, String containerId, boolean execSession) {
        this.dir = dir;
        this.containerId = containerId;
        this.execSession = execSession;
    }

    static MonitorState container(Path stateRoot, String id) {
        return new MonitorState(stateRoot.resolve(id), id, false);
    }

    MonitorState exec(String execId) {
        return new MonitorState(dir.resolve("exec").resolve(execId), containerId, true);
    }

    Path dir() {
        return dir;
    }

    Path recordFile() {
        return dir.resolve(execSession ? "exec.json" : "monitor.json");
    }

    Path conmonPidFile() {
        return dir.resolve("conmon.pid");
    }

    Path pidFile() {
        return dir.resolve(execSession ? "exec.pid" : "container.pid");
    }

    Path exitDir() {
        return dir.resolve("exit");
    }

    /** conmon names the exit file after the container ID it was given, for exec sessions too. */
    Path exitFile() {
        return exitDir().resolve(containerId);
    }

    boolean exists() {
        return Files.isRegularFile(recordFile());
    }

    void writeRecord(Record record) throws IOException {
        AtomicFiles.writeUnsynced(recordFile(), JSON.writeValueAsBytes(record)); // the exec root goes at reboot
    }

    Record record() {
        try {
            return JSON.readValue(recordFile().toFile(), Record.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new MonitorException("no monitor state for " + containerId + " in " + dir
                    + ": it was not created by this engine, or was cleaned up");
        } catch (IOException e) {
            throw new MonitorException("cannot read " + recordFile() + ": " + e.getMessage(), e);
        }
    }

    /** The exit code conmon recorded, once the process has ended. */
    Optional<Integer> exitCode() {
        try {
            String text = Files.readString(exitFile(), StandardCharsets.US_ASCII).trim();
            return Optional.of(Integer.parseInt(text));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new MonitorException("cannot read exit file " + exitFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records an exit code where conmon could not (it died): as the file conmon would have written,
     * so that every reader sees one answer.
     */
    void recordLostExit(int code) throws IOException {
        Files.createDirectories(exitDir());
        Path temp = exitDir().resolve("." + containerId + ".lost");
        Files.writeString(temp, Integer.toString(code), StandardCharsets.US_ASCII);
        try {
            // never replace an exit code conmon wrote meanwhile
            Files.createLink(exitFile(), temp);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // conmon's own answer stands
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    OptionalLong pid() {
        return readPid(pidFile());
    }

    OptionalLong conmonPid() {
        return readPid(conmonPidFile());
    }

    /** Whether this process's conmon still runs (the pid is checked to be a conmon for this state, not a reused pid). */
    boolean conmonAlive() {
        OptionalLong pid = conmonPid();
        if (pid.isEmpty()) {
            return false;
        }
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid.getAsLong()), "cmdline"), StandardCharsets.UTF_8);
            String status = Files.readString(Path.of("/proc", Long.toString(pid.getAsLong()), "stat"), StandardCharsets.UTF_8);
            boolean zombie = status.substring(status.lastIndexOf(')') + 2).startsWith("Z");
            return !zombie && cmdline.contains(conmonPidFile().toString());
        } catch (IOException e) {
            return false;
        }
    }

    private static OptionalLong readPid(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            throw new MonitorException("cannot read pid file " + file + ": " + e.getMessage(), e);
        }
    }
}
