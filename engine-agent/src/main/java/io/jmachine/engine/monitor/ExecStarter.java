package io.jmachine.engine.monitor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts an exec under its own conmon with the handshake that loses no output: conmon sets up its
 * attach socket and says so on the attach pipe, the engine connects, and only then lets conmon run
 * the runtime's {@code exec} (the second write to the start pipe).
 */
final class ExecStarter {

    /** A started exec: its host pid and its connected stdio. */
    record Started(long pid, AttachStream stream) {
    }

    private final ConmonLauncher launcher;

    ExecStarter(ConmonLauncher launcher) {
        this.launcher = launcher;
    }

    Started start(MonitorState exec, String containerId, String execId, Path processSpec, ExecRequest request) throws IOException {
        List<String> args = launcher.monitorArgs(exec, containerId, execId, exec.dir(), request.tty(), request.stdin(), true);
        args.addAll(List.of("-l", "none", "--exec", "--exec-attach", "--exec-process-spec", processSpec.toString()));
        ConmonPipes pipes = launcher.launch(args, exec.dir(), true);
        AttachStream stream = null;
        try {
            pipes.releaseStart();
            if (!pipes.awaitAttachReady()) {
                throw new MonitorException("conmon ended before exec " + execId + " started: " + pipes.launcherErrors());
            }
            stream = AttachStream.connect(exec.dir(), request.tty(), containerId + "-" + execId);
            pipes.releaseStart();
            ConmonPipes.Message message = pipes.readSync();
            if (message == null) {
                throw new MonitorException("conmon ended without starting exec " + execId + ": " + pipes.launcherErrors());
            }
            if (message.data() <= 0) {
                throw new RuntimeFailureException("exec", RuntimeMessages.fromStderr(message.message()));
            }
            // conmon also reports the exit code on the sync pipe, and ends in an error if nobody reads it. A platform
            // thread: a blocking FIFO read pins a virtual thread's carrier, and two long execs starved every handler
            Thread.ofPlatform().daemon().name("exec-sync-" + execId).start(() -> drain(pipes));
            return new Started(message.data(), stream);
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.close();
            }
            pipes.close();
            throw e;
        }
    }

    private static void drain(ConmonPipes pipes) {
        try (pipes) {
            while (pipes.readSync() != null) {
                // the exit code is in the exit file too, which is what readers use
            }
        } catch (IOException ignored) {
            // conmon went away: the exit file (or its absence) tells the rest
        }
    }
}
