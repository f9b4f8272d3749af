package io.jmachine.engine.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One OCI runtime CLI (runc or crun) with the engine's own state directory ({@code --root}), so containers of
 * this engine never mix with anyone else's. Every call runs the CLI and waits for it; failures carry the
 * runtime's own message ({@link OciRuntimeException}).
 */
public final class OciRuntime {

    /** How long a lifecycle command (not {@link #run}) may take before the engine gives up on it. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final File DEV_NULL = new File("/dev/null");

    private final String name;
    private final Path binary;
    private final Path root;

    /**
     * @param name   runc or crun: how the engine and its users call it
     * @param binary the executable
     * @param root   the runtime's state directory for this engine's containers
     */
    public OciRuntime(String name, Path binary, Path root) {
        this.name = name;
        this.binary = binary;
        this.root = root;
    }

    /** A runtime whose state lives at {@code <exec-root>/runtime/<name>}. */
    public static OciRuntime underExecRoot(Path execRoot, String name, Path binary) {
        return new OciRuntime(name, binary, execRoot.resolve("runtime").resolve(name));
    }

    public String name() {
        return name;
    }

    public Path binary() {
        return binary;
    }

    public Path root() {
        return root;
    }

    /** Where the container's standard streams go when the runtime itself starts it (create without a console, run). */
    public record Stdio(Redirect in, Redirect out, Redirect err) {

        /** No input; output thrown away. */
        public static final Stdio NONE = new Stdio(Redirect.from(DEV_NULL), Redirect.DISCARD, Redirect.DISCARD);

        /** No input; stdout and stderr to files. */
        public static Stdio toFiles(Path stdout, Path stderr) {
            return new Stdio(Redirect.from(DEV_NULL), Redirect.to(stdout.toFile()), Redirect.to(stderr.toFile()));
        }
    }

    /**
     * The full command line for a subcommand, with this runtime's global options; for a monitor (conmon) that
     * runs the runtime itself.
     */
    public List<String> commandLine(List<String> subcommand) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--root", root.toString()));
        command.addAll(subcommand);
        return command;
    }

    /**
     * {@code create}: sets up the container from its bundle and leaves its process waiting for {@link #start}.
     *
     * @param consoleSocket for a spec with terminal true: the AF_UNIX socket that receives the pty master; null otherwise
     * @param stdio         the container's streams when it has no terminal (the runtime passes on its own)
     * @return the container's init PID, from the pid file
     */
    public long create(String id, Path bundle, Path pidFile, Path consoleSocket, Stdio stdio) {
        List<String> args = new ArrayList<>(List.of("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString()));
        if (consoleSocket != null) {
            args.addAll(List.of("--console-socket", consoleSocket.toString()));
        }
        args.add(id);
        Path log = bundle.resolve(name + "-create.log");
        int status = runWithLog("create", args, log, stdio, COMMAND_TIMEOUT);
        if (status != 0) {
            throw new OciRuntimeException(name, "create", status, RuntimeErrors.fromLog(log, status));
        }
        try {
            return Long.parseLong(Files.readString(pidFile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new OciRuntimeException(name, "create", 0, "created " + id + " but its pid file " + pidFile + " is unreadable: " + e.getMessage());
        }
    }

    /**
     * {@code run} in the foreground: create, start and wait, then delete. For probes and tests; the engine runs
     * containers under a monitor instead.
     *
     * @return the container's exit status (128 + signal when killed, e.g. 137 after an OOM kill)
     * @throws OciRuntimeException when the container could not be started (the runtime then exits with status 1
     *                             or more and says why in its log)
     */
    public int run(String id, Path bundle, Stdio stdio, Duration timeout) {
        Path log = bundle.resolve(name + "-run.log");
        int status = runWithLog("run", List.of("run", "--bundle", bundle.toString(), id), log, stdio, timeout);
        Optional<String> error = RuntimeErrors.errorInLog(log);
        if (error.isPresent()) {
            throw new OciRuntimeException(name, "run", status, error.get());
        }
        return status;
    }

    public void start(String id) {
        call("start", List.of("start", id));
    }

    /** The container's state; empty when the runtime does not know it. */
    public Optional<RuntimeState> state(String id) {
        try {
            return Optional.of(JSON.readValue(call("state", List.of("state", id)), RuntimeState.class));
        } catch (OciRuntimeException e) {
            if (e.isNoSuchContainer()) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new OciRuntimeException(name, "state", 0, "unreadable state of " + id + ": " + e.getMessage());
        }
    }

    /**
     * Sends a signal to the container's init, or with {@code all} to every process in it.
     *
     * @param signal a name or number ({@link Signals#parse})
     */
    public void kill(String id, String signal, boolean all) {
        List<String> args = new ArrayList<>(List.of("kill"));
        if (all) {
            args.add("--all");
        }
        args.add(id);
        args.add(Integer.toString(Signals.parse(signal)));
        call("kill", args);
    }

    public void delete(String id, boolean force) {
        call("delete", force ? List.of("delete", "--force", id) : List.of("delete", id));
    }

    public void pause(String id) {
        call("pause", List.of("pause", id));
    }

    public void resume(String id) {
        call("resume", List.of("resume", id));
    }

    /** The host PIDs of the container's processes. */
    public List<Long> pids(String id) {
        try {
            List<Long> pids = JSON.readValue(call("ps", List.of("ps", "--format", "json", id)), new TypeReference<List<Long>>() { });
            return pids == null ? List.of() : List.copyOf(pids);
        } catch (IOException e) {
            throw new OciRuntimeException(name, "ps", 0, "unreadable process list of " + id + ": " + e.getMessage());
        }
    }

    /** Changes a running container's limits ({@code docker update}); only the resources given are touched. */
    public void update(String id, ResourceUpdate resources) {
        try {
            call("update", List.of("update", "--resources", "-", id), JSON.writeValueAsBytes(resources));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** runc's {@code events --stats}: one sample of the cgroup counters as the runtime reports them (runc only). */
    public JsonNode statsEvent(String id) {
        try {
            return JSON.readTree(call("events", List.of("events", "--stats", id)));
        } catch (IOException e) {
            throw new OciRuntimeException(name, "events", 0, "unreadable stats of " + id + ": " + e.getMessage());
        }
    }

    /** Whether the binary answers {@code --version}. */
    public boolean answers() {
        try {
            call("--version", List.of("--version"));
            return true;
        } catch (OciRuntimeException | UncheckedIOException e) {
            return false;
        }
    }

    private byte[] call(String command, List<String> args) {
        return call(command, args, null);
    }

    /** Runs a subcommand that starts no container, capturing stdout and the error on stderr. */
    private byte[] call(String command, List<String> args, byte[] input) {
        List<String> line = new ArrayList<>(commandLine(List.of("--log-format", "json")));
        line.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(line).redirectInput(input == null ? Redirect.from(DEV_NULL) : Redirect.PIPE);
        Process process = startProcess(builder, command);
        try {
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()), Thread::startVirtualThread);
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input);
                }
            }
            byte[] out = readAll(process.getInputStream());
            int status = waitFor(process, command, COMMAND_TIMEOUT);
            if (status != 0) {
                throw new OciRuntimeException(name, command, status, RuntimeErrors.fromStderr(new String(err.join(), StandardCharsets.UTF_8), status));
            }
            return out;
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException(name + " " + command + ": " + e.getMessage(), e);
        }
    }

    /** Runs create or run, whose container inherits the runtime's stdio: errors are read from a log file instead. */
    private int runWithLog(String command, List<String> args, Path log, Stdio stdio, Duration timeout) {
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + log + ": " + e.getMessage(), e);
        }
        List<String> line = new ArrayList<>(commandLine(List.of("--log", log.toString(), "--log-format", "json")));
        line.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(line).redirectInput(stdio.in()).redirectOutput(stdio.out()).redirectError(stdio.err());
        return waitFor(startProcess(builder, command), command, timeout);
    }

    private Process startProcess(ProcessBuilder builder, String command) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new OciRuntimeException(name, command, -1, "cannot execute " + binary + ": " + e.getMessage()
                    + " (install the " + name + " package)");
        }
    }

    private int waitFor(Process process, String command, Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new OciRuntimeException(name, command, -1, "no answer within " + timeout.toSeconds() + " s; the runtime was killed");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OciRuntimeException(name, command, -1, "interrupted while waiting for the runtime");
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
