package io.jmachine.engine.monitor;

import java.time.Duration;
import java.util.Optional;

/**
 * A process started by {@link ContainerMonitor#exec}: its stdio stream (connected before the
 * process started, so it has all the output) and its exit code. The same is reachable through the
 * monitor by container and exec ID, e.g. after an engine restart.
 */
public final class ExecSession {

    private final ContainerMonitor monitor;
    private final String containerId;
    private final String execId;
    private final long pid;
    private final AttachStream stream;

    ExecSession(ContainerMonitor monitor, String containerId, String execId, long pid, AttachStream stream) {
        this.monitor = monitor;
        this.containerId = containerId;
        this.execId = execId;
        this.pid = pid;
        this.stream = stream;
    }

    public String containerId() {
        return containerId;
    }

    public String execId() {
        return execId;
    }

    /** The process's pid as the host sees it. */
    public long pid() {
        return pid;
    }

    /** The process's stdio; close it for a detached exec (the process runs on). */
    public AttachStream stream() {
        return stream;
    }

    public Optional<Integer> exitCode() {
        return monitor.execExitCode(containerId, execId);
    }

    public Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
        return monitor.awaitExecExit(containerId, execId, timeout);
    }

    public void resize(int height, int width) {
        monitor.resizeExec(containerId, execId, height, width);
    }
}
