package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;

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

    /** Runs a long command with its output on this process's stderr, so the user sees its progress. */
    public static void runShowingProgress(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            process.getOutputStream().close();
            int exit = process.waitFor();
            if (exit != 0) {
                throw new DriverException(String.join(" ", command) + " failed (exit " + exit + "); its output is above");
            }
        } catch (IOException e) {
            throw new DriverException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(command.get(0) + " was interrupted", e);
        }
    }
}
