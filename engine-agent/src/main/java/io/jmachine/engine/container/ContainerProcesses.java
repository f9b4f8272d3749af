package io.jmachine.engine.container;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * The running side of containers: OCI runtime plus one monitor per container. Containers outlive the engine,
 * so every method works for containers an earlier engine process started.
 */
public interface ContainerProcesses extends OomReports.Counters {

    /**
     * What start needs besides the record: the mounted root, the network namespace, the files to bind in, and the
     * variables of its legacy links ({@code ALIAS_PORT_80_TCP…}, read from the linked containers as they run now).
     */
    record Launch(Path rootfs, String netnsPath, Path hostsFile, Path resolvConfFile, Path hostnameFile, List<String> linkEnv) {
        public Launch {
            linkEnv = linkEnv == null ? List.of() : List.copyOf(linkEnv);
        }

        public Launch(Path rootfs, String netnsPath, Path hostsFile, Path resolvConfFile, Path hostnameFile) {
            this(rootfs, netnsPath, hostsFile, resolvConfFile, hostnameFile, List.of());
        }
    }

    /**
     * Creates the container (bundle written, monitor up, runtime create done) without starting its process.
     * @return the container's pid
     * @throws StartFailure with the runtime's own message when the runtime refuses
     */
    int create(ContainerRecord record, Launch launch) throws StartFailure;

    void start(String id) throws StartFailure;

    /** Sends a signal (a name such as TERM or KILL, or a number) to the container's init process. */
    void kill(String id, String signal) throws IOException;

    void pause(String id) throws IOException;

    void resume(String id) throws IOException;

    boolean isRunning(String id);

    /** The exit code once the process has ended (128+signal when killed), read from the monitor's record. */
    OptionalInt exitCode(String id);

    /** Blocks until the process ends and returns its exit code. */
    int awaitExit(String id) throws InterruptedException;

    /** Whether the runtime or the monitor still holds anything of the container (a bundle, a monitor), running or not. */
    boolean hasState(String id);

    /** Frees the runtime's and the monitor's state of an ended container. Idempotent. */
    void release(String id);

    /** Connects to the container's console/stdio: output as it comes, input to its stdin. */
    Attachment attach(String id) throws IOException;

    void resize(String id, int height, int width) throws IOException;

    /** The container's log: what it wrote to stdout and stderr, kept apart, with timestamps. */
    LogSource logs(String id);

    /** The pids of every process in the container. */
    List<Integer> pids(String id) throws IOException;

    /** Runs a command in a running container. */
    ExecProcess exec(String id, ExecSpec spec) throws StartFailure;

    /** Forgets an exec: its monitor's files go, and its process is killed if it still runs. Idempotent. */
    void removeExec(String id, String execId);

    /** Changes the limits of a running (or paused) container's cgroup, as {@code docker update}. */
    void updateResources(String id, io.jmachine.engine.runtime.ResourceUpdate resources) throws IOException;

    /** Resource usage of the container's cgroup. */
    Usage usage(String id) throws IOException;

    record Usage(long memoryBytes, long memoryLimitBytes, long memoryCacheBytes, long cpuNanos, long pids) {}

    record ExecSpec(String execId, List<String> args, List<String> env, String workingDir, String user, boolean tty,
                    boolean attachStdin, boolean privileged) {}

    /** An exec'd process: attach to its stdio, then learn its exit code. */
    interface ExecProcess {
        int pid();

        Attachment attachment();

        OptionalInt exitCode();

        int awaitExit(Duration timeout) throws InterruptedException;

        void resize(int height, int width) throws IOException;
    }

    /** A live connection to a process's stdio. */
    interface Attachment extends AutoCloseable {
        /** Pumps output to the sink until the process's output ends or close() is called. */
        void pumpOutput(OutputSink sink) throws IOException;

        void writeStdin(byte[] bytes) throws IOException;

        void closeStdin() throws IOException;

        @Override
        void close();
    }

    @FunctionalInterface
    interface OutputSink {
        /** @param stderr false for stdout (and for a TTY, which has one stream) */
        void write(boolean stderr, byte[] bytes, int offset, int length) throws IOException;
    }

    /** Reads a container's log, optionally following it. */
    interface LogSource {
        record Entry(java.time.Instant time, boolean stderr, byte[] line) {}

        /**
         * Streams entries in order: the last {@code tail} (-1 for all) between since and until, then, when
         * following, new ones until the container stops or the consumer returns false.
         */
        void read(int tail, java.time.Instant since, java.time.Instant until, boolean follow,
                  java.util.function.Predicate<Entry> consumer) throws IOException, InterruptedException;
    }

    /** The runtime refused to create or start: its message, which tells Docker clients what went wrong. */
    final class StartFailure extends Exception {
        public StartFailure(String message) {
            super(message);
        }

        public StartFailure(String message, Throwable cause) {
            super(message, cause);
        }

        /** The docker CLI's exit code for this failure: 127 for a missing program, 126 when not executable, else 128. */
        public int dockerExitCode() {
            String message = String.valueOf(getMessage());
            if (message.contains("executable file not found") || message.contains("no such file or directory")) {
                return 127;
            }
            if (message.contains("permission denied")) {
                return 126;
            }
            return 128;
        }
    }
}
