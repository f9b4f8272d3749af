package io.jmachine.engine.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runtime commands the monitor needs besides the create and exec that conmon runs:
 * start, kill, state and delete, each with the engine's own {@code --root} for the runtime's state.
 */
final class RuntimeCommands {

    private static final long TIMEOUT_SECONDS = 60;
    static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runtime;
    private final Path root;

    RuntimeCommands(Path runtime, Path root) {
        this.runtime = runtime;
        this.root = root;
    }

    Path runtime() {
        return runtime;
    }

    Path root() {
        return root;
    }

    /** runc's created containers wait on an exec.fifo that {@link ExecFifo} opens as its start does; crun's the other way round. */
    boolean hasExecFifo() {
        return runtime.getFileName().toString().equals("runc");
    }

    void start(String id) {
        run("start", List.of("start", id));
    }

    /** Sends {@code signal} (a name such as SIGTERM, or a number) to the container's init process. */
    void kill(String id, String signal) {
        run("kill", List.of("kill", id, signal));
    }

    /** The runtime's status of the container (created, running, stopped, paused), empty if it has none. */
    Optional<String> status(String id) {
        Result result = exec(List.of("state", id));
        if (result.exitCode() != 0) {
            return Optional.empty();
        }
        try {
            JsonNode state = JSON.readTree(result.stdout());
            return Optional.ofNullable(state.path("status").textValue());
        } catch (IOException e) {
            throw new MonitorException("cannot read `" + runtime + " state " + id + "`: " + e.getMessage(), e);
        }
    }

    /** Removes the runtime's state of the container, killing it first if it still runs. */
    void deleteForcibly(String id) {
        // runc and crun keep a container's state in a folder named after it under their root: without one, there is
        // nothing to delete, and no process to spend on asking (every start asks first)
        if (!java.nio.file.Files.exists(root.resolve(id))) {
            return;
        }
        // the delete first, and the state only when it failed: one process per removal where there were two
        Result deleted = exec(List.of("delete", "--force", id));
        if (deleted.exitCode() != 0 && status(id).isPresent()) {
            throw new RuntimeFailureException("delete", RuntimeMessages.fromStderr(deleted.stderr()));
        }
    }

    private void run(String operation, List<String> args) {
        Result result = exec(args);
        if (result.exitCode() != 0) {
            throw new RuntimeFailureException(operation, RuntimeMessages.fromStderr(result.stderr()));
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Result exec(List<String> args) {
        List<String> command = new ArrayList<>(List.of(runtime.toString(), "--root", root.toString()));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()),
                    runnable -> Thread.ofVirtual().start(runnable));
            String stdout = readAll(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new MonitorException("`" + String.join(" ", command) + "` did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), stdout, stderr.join());
        } catch (IOException e) {
            throw new MonitorException("cannot run " + runtime + ": " + e.getMessage()
                    + " (is the OCI runtime installed? see scripts/install-host-packages.sh)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MonitorException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
