package io.jmachine.engine.monitor;

import io.jmachine.engine.linux.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One conmon per container, so that containers outlive the engine: conmon (detached, its own
 * session) runs the OCI runtime's create, holds the container's stdio, writes its log and its exit
 * code, and serves attach and resize. Everything about a monitored container is in files under the
 * state folder, so a new instance of this class (a restarted engine) picks up where the old one
 * stopped: state, logs, exit codes, attach and exec.
 */
public final class ContainerMonitor {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    /** conmon's control message that resizes the TTY: {@code 1 <height> <width>}. */
    private static final int WIN_RESIZE_EVENT = 1;
    private static final Duration CONMON_EXIT_GRACE = Duration.ofSeconds(10);

    private final Path stateRoot;
    private final ConmonLauncher launcher;
    private final RuntimeCommands runtime;
    private final ExitWatch exits = new ExitWatch();

    /**
     * @param stateRoot   the monitor's folder in the exec root (pid files, exit codes, exec sessions)
     * @param conmon      the conmon binary
     * @param runtime     the OCI runtime binary (runc; crun where cgroup v2 only)
     * @param runtimeRoot the runtime's {@code --root}: its own state, private to this engine
     */
    public ContainerMonitor(Path stateRoot, Path conmon, Path runtime, Path runtimeRoot) {
        this.stateRoot = stateRoot;
        this.runtime = new RuntimeCommands(runtime, runtimeRoot);
        this.launcher = new ConmonLauncher(conmon, this.runtime);
    }

    /** At start, before any launch of ours: kills what a killed engine left half-launched; returns how many. */
    public int killStrandedLaunchers() {
        return ConmonLauncher.killStranded(stateRoot);
    }

    /**
     * Has conmon create the container (the runtime's {@code create}: the process exists, waiting for
     * {@link #start}); returns its pid. Attach now to see output from the start.
     *
     * @throws RuntimeFailureException with the runtime's own words when it refuses (e.g. a missing binary)
     */
    public long create(MonitorRequest request) {
        String id = checkId(request.id());
        if (request.logPath() != null && request.logPath().toString().contains(":")) {
            throw new IllegalArgumentException("log path " + request.logPath() + " has a ':', which conmon cannot take");
        }
        MonitorState state = MonitorState.container(stateRoot, id);
        try {
            Files.createDirectories(stateRoot);
            Files.createDirectory(state.dir()); // atomically claims the ID
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new MonitorException("container " + id + " already has a monitor in " + state.dir() + "; clean it up first");
        } catch (IOException e) {
            throw new MonitorException("cannot make " + state.dir() + ": " + e.getMessage(), e);
        }
        try {
            Files.createDirectories(state.exitDir());
            if (request.logPath() != null) {
                Files.createDirectories(request.logPath().toAbsolutePath().getParent());
            }
            state.writeRecord(new MonitorState.Record(id, request.bundle(), request.logPath(), request.terminal(), request.stdin()));
            List<String> args = launcher.monitorArgs(state, id, id, request.bundle(), request.terminal(), request.stdin(), request.stdinOnce());
            args.addAll(List.of("-l", request.logPath() == null ? "none" : "k8s-file:" + request.logPath()));
            if (request.logSizeMax() > 0) {
                args.addAll(List.of("--log-size-max", String.valueOf(request.logSizeMax())));
            }
            try (ConmonPipes pipes = launcher.launch(args, state.dir(), false)) {
                ConmonPipes.Message message = pipes.readSync();
                if (message == null) {
                    throw new MonitorException("conmon ended without creating container " + id + ": " + pipes.launcherErrors());
                }
                if (message.data() < 0) {
                    throw new RuntimeFailureException("create", RuntimeMessages.fromStderr(message.message()));
                }
                return message.data();
            }
        } catch (IOException e) {
            discard(state, request.bundle());
            throw new MonitorException("cannot start conmon for container " + id + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discard(state, request.bundle());
            throw e;
        }
    }

    /** Starts the created container's process (the runtime's {@code start}). */
    public void start(String id) {
        MonitorState state = state(id);
        state.record();
        OptionalLong pid = state.pid();
        if (runtime.hasExecFifo() && pid.isPresent()) {
            try {
                if (ExecFifo.start(runtime.root().resolve(id).resolve(ExecFifo.NAME), pid.getAsLong(), RuntimeCommands.TIMEOUT)) {
                    return;
                }
            } catch (IOException e) {
                // the runtime's own start then tells what is wrong
            }
        }
        runtime.start(id);
    }

    /** Sends a signal (name such as SIGTERM, or number) to the container's main process. */
    public void kill(String id, String signal) {
        state(id).record();
        runtime.kill(id, signal);
    }

    /** The container's main process (as the host sees it). */
    public long pid(String id) {
        return state(id).pid().orElseThrow(() -> new MonitorException("container " + id + " has no pid: it was never created"));
    }

    /** The exit code conmon recorded, once the container has exited (128+N for signal N). */
    public Optional<Integer> exitCode(String id) {
        MonitorState state = state(id);
        Optional<Integer> code = state.exitCode();
        if (code.isEmpty() && ExitWaiter.lost(state)) {
            return ExitWaiter.lostExit(state);
        }
        return code;
    }

    /** Waits up to {@code timeout} for the container to exit; its exit code, or empty if it still runs. */
    public Optional<Integer> awaitExit(String id, Duration timeout) throws InterruptedException {
        return ExitWaiter.await(exits, state(id), timeout);
    }

    /** Whether the container's process runs (or is created and waits for start) under a live conmon. */
    public boolean running(String id) {
        MonitorState state = state(id);
        return state.conmonAlive() && state.exitCode().isEmpty();
    }

    /** The IDs of the containers with a monitor state here, running or not: what a restarted engine recovers. */
    public List<String> containers() {
        if (!Files.isDirectory(stateRoot)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(stateRoot)) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("monitor.json")))
                    .map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new MonitorException("cannot list " + stateRoot + ": " + e.getMessage(), e);
        }
    }

    /** Connects to the container's stdio: output from now on (earlier output is in the log), and stdin if it has one. */
    public AttachStream attach(String id) {
        MonitorState.Record record = state(id).record();
        return connect(record, id);
    }

    /** Resizes the container's TTY. */
    public void resize(String id, int height, int width) {
        sendResize(state(id).record().socketDir(), id, height, width);
    }

    /** The container's log; following it ends once the container has exited. */
    public ContainerLog log(String id) {
        MonitorState state = state(id);
        return new ContainerLog(state.record().logPath(), () -> exitCode(id).isPresent());
    }

    /**
     * Runs a process in the running container (the runtime's {@code exec}, watched by its own
     * conmon), attached before it starts so that no output is lost; close the session's stream for
     * a detached exec.
     *
     * @throws RuntimeFailureException with the runtime's words when the process cannot start
     */
    public ExecSession exec(String id, String execId, ExecRequest request) {
        checkId(execId);
        MonitorState container = state(id);
        MonitorState.Record record = container.record();
        if (!running(id)) {
            throw new MonitorException("container " + id + " is not running");
        }
        MonitorState exec = container.exec(execId);
        try {
            Files.createDirectories(exec.dir().getParent());
            Files.createDirectory(exec.dir()); // atomically claims the exec ID
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new MonitorException("exec " + execId + " already exists in container " + id);
        } catch (IOException e) {
            throw new MonitorException("cannot make " + exec.dir() + ": " + e.getMessage(), e);
        }
        try {
            Files.createDirectories(exec.exitDir());
            Path processSpec = exec.dir().resolve("process.json");
            AtomicFiles.write(processSpec, ExecProcessSpec.build(record.socketDir(), request));
            exec.writeRecord(new MonitorState.Record(id, exec.dir(), null, request.tty(), request.stdin()));
            ExecStarter.Started started = new ExecStarter(launcher).start(exec, id, execId, processSpec, request);
            return new ExecSession(this, id, execId, started.pid(), started.stream());
        } catch (IOException e) {
            discardExec(exec);
            throw new MonitorException("cannot start conmon for exec " + execId + " in container " + id + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discardExec(exec);
            throw e;
        }
    }

    /** The exec's exit code, once it has exited. */
    public Optional<Integer> execExitCode(String id, String execId) {
        MonitorState exec = execState(id, execId);
        Optional<Integer> code = exec.exitCode();
        if (code.isEmpty() && ExitWaiter.lost(exec)) {
            return ExitWaiter.lostExit(exec);
        }
        return code;
    }

    public Optional<Integer> awaitExecExit(String id, String execId, Duration timeout) throws InterruptedException {
        return ExitWaiter.await(exits, execState(id, execId), timeout);
    }

    /** Connects again to a running exec's stdio (e.g. after an engine restart). */
    public AttachStream attachExec(String id, String execId) {
        return connect(execState(id, execId).record(), id + "-" + execId);
    }

    public void resizeExec(String id, String execId, int height, int width) {
        sendResize(execState(id, execId).dir(), execId, height, width);
    }

    /** The exec's pid (as the host sees it). */
    public long execPid(String id, String execId) {
        return execState(id, execId).pid().orElseThrow(() -> new MonitorException("exec " + execId + " has no pid"));
    }

    /** The IDs of the container's exec sessions with state here. */
    public List<String> execs(String id) {
        Path dir = state(id).dir().resolve("exec");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new MonitorException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes an exec session's files; its process is killed if it still runs. */
    public void removeExec(String id, String execId) {
        MonitorState exec = execState(id, execId);
        MonitorTeardown.stopConmon(exec, CONMON_EXIT_GRACE);
        MonitorTeardown.deleteTree(exec.dir());
    }

    /**
     * Removes everything the monitor made for the container: the runtime's state (killing the
     * container if it still runs), conmon (which then ends), the exec sessions, the state folder,
     * and conmon's socket and FIFOs in the bundle. Afterwards the ID can be created again.
     */
    public void cleanup(String id) {
        MonitorState state = MonitorState.container(stateRoot, checkId(id));
        Path bundle = state.exists() ? state.record().socketDir() : null;
        runtime.deleteForcibly(id);
        MonitorTeardown.stopConmon(state, CONMON_EXIT_GRACE);
        for (String execId : Files.isDirectory(state.dir().resolve("exec")) ? execs(id) : List.<String>of()) {
            MonitorTeardown.stopConmon(state.exec(execId), CONMON_EXIT_GRACE);
        }
        MonitorTeardown.deleteTree(state.dir());
        if (bundle != null) {
            MonitorTeardown.deleteConmonFiles(bundle);
        }
    }

    private void discard(MonitorState state, Path bundle) {
        try {
            cleanup(state.dir().getFileName().toString());
        } catch (RuntimeException e) {
            MonitorTeardown.deleteTree(state.dir());
        }
        MonitorTeardown.deleteConmonFiles(bundle);
    }

    private static void discardExec(MonitorState exec) {
        MonitorTeardown.stopConmon(exec, CONMON_EXIT_GRACE);
        MonitorTeardown.deleteTree(exec.dir());
    }

    private static AttachStream connect(MonitorState.Record record, String name) {
        try {
            return AttachStream.connect(record.socketDir(), record.terminal(), name);
        } catch (IOException e) {
            throw new MonitorException("cannot attach to " + name + " (is it running?): " + e.getMessage(), e);
        }
    }

    private static void sendResize(Path dir, String name, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("a TTY size must be positive, not " + height + "x" + width);
        }
        Path ctl = dir.resolve("ctl");
        try {
            int fd = Libc.openFifoForWriting(ctl);
            if (fd < 0) {
                throw new MonitorException("cannot resize " + name + ": its monitor has exited");
            }
            try {
                Libc.write(fd, (WIN_RESIZE_EVENT + " " + height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII));
            } finally {
                Libc.close(fd);
            }
        } catch (IOException e) {
            throw new MonitorException("cannot resize " + name + " through " + ctl + ": " + e.getMessage(), e);
        }
    }

    private MonitorState state(String id) {
        MonitorState state = MonitorState.container(stateRoot, checkId(id));
        if (!Files.isDirectory(state.dir())) {
            throw new MonitorException("no monitor state for container " + id + " in " + stateRoot);
        }
        return state;
    }

    private MonitorState execState(String id, String execId) {
        MonitorState exec = state(id).exec(checkId(execId));
        if (!Files.isDirectory(exec.dir())) {
            throw new MonitorException("no exec " + execId + " in container " + id);
        }
        return exec;
    }

    private static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid ID " + id + ": letters, digits, '_', '.' and '-' only");
        }
        return id;
    }
}
