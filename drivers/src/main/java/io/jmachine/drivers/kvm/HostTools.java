package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.Progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the Debian tools the kvm driver shells out to (qemu-img, genisoimage, ssh-keygen, mmdebstrap, mkfs.ext4). */
public final class HostTools {

    private static final List<String> PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private HostTools() {
    }

    /** The tool's path, looked up on PATH and in the sbin folders (a non-root PATH often lacks them). */
    public static Optional<Path> find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : java.util.stream.Stream.concat(java.util.Arrays.stream(path.split(":")), PATH.stream()).toList()) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Optional.of(Path.of(dir, tool));
            }
        }
        return Optional.empty();
    }

    /** Runs a command to its end; its output is returned, and is in the error when it fails. */
    public static String run(List<String> command, long timeoutSeconds) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DriverException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DriverException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new DriverException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new DriverException("reading the output of " + command.get(0) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DriverException(command.get(0) + " was interrupted", e);
        }
    }

    /**
     * Runs a long command with its output kept in {@code log} (and shown line by line with -D); when it fails, the
     * error gives the log's last lines.
     */
    public static void runLogged(List<String> command, Path log, Progress progress, long timeoutSeconds) {
        Process process;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DriverException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        try (var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
             var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            process.getOutputStream().close();
            out.write("$ " + String.join(" ", command) + "\n");
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line + "\n");
                progress.detail(line);
            }
            out.flush();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DriverException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s; its log: " + log);
            }
            if (process.exitValue() != 0) {
                throw new DriverException(command.get(0) + " failed (exit " + process.exitValue() + "); the end of its log " + log + ":\n"
                        + tail(log, 20));
            }
        } catch (IOException e) {
            throw new DriverException("running " + command.get(0) + " with its log in " + log + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DriverException(command.get(0) + " was interrupted", e);
        }
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
