package io.jmachine.engine.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine's ends of one conmon's pipes: the sync pipe (conmon writes {@code {"data": N,
 * "message": …}} lines: the process's pid, or a negative number and the runtime's stderr on failure,
 * and for exec later the exit code), and for an attached exec the start pipe (the engine writes to
 * let conmon go on) and the attach pipe (conmon writes when its attach socket listens).
 */
final class ConmonPipes implements AutoCloseable {

    /** One line conmon wrote to a pipe. */
    record Message(int data, String message) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedReader sync;
    private final OutputStream start;
    private final BufferedReader attach;
    private Process launcher;
    private CompletableFuture<String> launcherStderr = CompletableFuture.completedFuture("");

    private ConmonPipes(BufferedReader sync, OutputStream start, BufferedReader attach) {
        this.sync = sync;
        this.start = start;
        this.attach = attach;
    }

    /** Opens the engine's ends in the order sh opens conmon's (each waits for its peer). */
    static ConmonPipes open(Path sync, Path start, Path attach) throws IOException {
        BufferedReader syncReader = reader(sync);
        OutputStream startWriter = null;
        BufferedReader attachReader = null;
        try {
            if (start != null) {
                startWriter = new FileOutputStream(start.toFile());
                attachReader = reader(attach);
            }
            return new ConmonPipes(syncReader, startWriter, attachReader);
        } catch (IOException | RuntimeException e) {
            syncReader.close();
            if (startWriter != null) {
                startWriter.close();
            }
            throw e;
        }
    }

    private static BufferedReader reader(Path fifo) throws IOException {
        return new BufferedReader(new InputStreamReader(new FileInputStream(fifo.toFile()), StandardCharsets.UTF_8));
    }

    ConmonPipes withLauncher(Process process, CompletableFuture<String> stderr) {
        this.launcher = process;
        this.launcherStderr = stderr;
        return this;
    }

    /** The next message on the sync pipe; null when conmon closed it without one. */
    Message readSync() throws IOException {
        return parse(sync.readLine());
    }

    /** Lets conmon go on (an attached exec waits on the start pipe twice). */
    void releaseStart() throws IOException {
        start.write('0');
        start.flush();
    }

    /** Waits until conmon's attach socket listens; false if conmon ended first. */
    boolean awaitAttachReady() throws IOException {
        return parse(attach.readLine()) != null;
    }

    /**
     * What the launcher said, for errors: conmon's own complaints (bad options, missing binaries)
     * come on its stderr before it detaches.
     */
    String launcherErrors() {
        try {
            if (launcher != null && !launcher.waitFor(10, TimeUnit.SECONDS)) {
                return "conmon did not detach";
            }
            String text = launcherStderr.get(10, TimeUnit.SECONDS);
            String exit = launcher == null || launcher.exitValue() == 0 ? "" : "conmon exited with " + launcher.exitValue() + ": ";
            return exit + text.lines().filter(line -> !line.contains("oom_score_adj")).reduce((a, b) -> a + "; " + b).orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    /** Reaps the launcher, which exits as soon as conmon has forked its monitor. */
    void reapLauncher() {
        try {
            if (launcher != null) {
                launcher.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Message parse(String line) throws IOException {
        if (line == null) {
            return null;
        }
        JsonNode node = JSON.readTree(line);
        JsonNode data = node.get("data");
        if (data == null || !data.canConvertToInt()) {
            throw new IOException("conmon wrote an unexpected sync message: " + line);
        }
        JsonNode message = node.get("message");
        return new Message(data.asInt(), message == null ? null : message.asText());
    }

    @Override
    public void close() {
        closeQuietly(sync);
        closeQuietly(start);
        closeQuietly(attach);
        reapLauncher();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the pipe's other end is conmon's: nothing to recover
            }
        }
    }
}
