package io.jmachine.engine.container;

import io.jmachine.engine.fs.Folder;
import io.jmachine.engine.monitor.AttachStream;
import io.jmachine.engine.monitor.ContainerLog;
import io.jmachine.engine.monitor.ContainerMonitor;
import io.jmachine.engine.monitor.ExecRequest;
import io.jmachine.engine.monitor.ExecSession;
import io.jmachine.engine.monitor.LogLine;
import io.jmachine.engine.monitor.LogQuery;
import io.jmachine.engine.monitor.MonitorException;
import io.jmachine.engine.monitor.MonitorRequest;
import io.jmachine.engine.monitor.OutputSource;
import io.jmachine.engine.monitor.RuntimeFailureException;
import io.jmachine.engine.runtime.OciRuntime;
import io.jmachine.engine.runtime.OciRuntimeException;
import io.jmachine.engine.runtime.cgroup.CgroupLayout;
import io.jmachine.engine.runtime.cgroup.CgroupStats;
import io.jmachine.engine.runtime.cgroup.OomKills;
import io.jmachine.engine.runtime.cgroup.OomNotifier;
import io.jmachine.engine.runtime.spec.ContainerSpec;
import io.jmachine.engine.runtime.spec.OciBundle;
import io.jmachine.engine.runtime.spec.OciSpecFactory;
import io.jmachine.engine.runtime.spec.UserResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Containers run by the OCI runtime under one conmon each: the runtime package writes the bundle, the
 * monitor package keeps the process, its stdio, log and exit code, also across engine restarts.
 */
public final class MonitoredProcesses implements ContainerProcesses {

    private final OciSpecFactory specs;
    private final OciRuntime runtime;
    private final ContainerMonitor monitor;
    private final CgroupLayout cgroups;
    private final OomNotifier oomNotifier;
    private final Path bundles;
    private final ContainerStore store;

    /**
     * @param bundles where each container's OCI bundle goes ({@code <exec-root>/containers})
     * @param store   the container records; each container's log lives in its folder, so it survives reboots
     */
    public MonitoredProcesses(OciSpecFactory specs, OciRuntime runtime, ContainerMonitor monitor, CgroupLayout cgroups,
                              Path bundles, ContainerStore store) {
        this.specs = specs;
        this.runtime = runtime;
        this.monitor = monitor;
        this.cgroups = cgroups;
        this.oomNotifier = new OomNotifier(cgroups);
        this.bundles = bundles;
        this.store = store;
    }

    private Path bundle(String id) {
        return bundles.resolve(id);
    }

    private Path logFile(String id) {
        return store.folder(id).resolve("container.log");
    }

    @Override
    public int create(ContainerRecord record, Launch launch) throws StartFailure {
        String id = record.id();
        ContainerSpec spec = RuntimeSpecs.from(record, launch);
        try {
            release(id);
            new OciBundle(bundle(id)).write(specs.create(spec));
            ContainerConfig config = record.config();
            HostConfig.LogConfig log = record.hostConfig().logConfig();
            return Math.toIntExact(monitor.create(new MonitorRequest(id, bundle(id), log.keepsLogs() ? logFile(id) : null, config.tty(),
                    config.openStdin(), config.stdinOnce(), log.maxSizeBytes())));
        } catch (RuntimeFailureException e) {
            throw new StartFailure(e.runtimeMessage(), e);
        } catch (MonitorException e) {
            throw new StartFailure(e.getMessage(), e);
        }
    }

    @Override
    public void start(String id) throws StartFailure {
        try {
            monitor.start(id);
        } catch (RuntimeFailureException e) {
            throw new StartFailure(e.runtimeMessage(), e);
        } catch (MonitorException e) {
            throw new StartFailure(e.getMessage(), e);
        }
    }

    @Override
    public void kill(String id, String signal) throws IOException {
        try {
            monitor.kill(id, signal);
        } catch (MonitorException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void pause(String id) throws IOException {
        try {
            runtime.pause(id);
        } catch (OciRuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void resume(String id) throws IOException {
        try {
            runtime.resume(id);
        } catch (OciRuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * An engine killed between releasing a container's monitor and recording its exit leaves a live record
     * without a monitor: that container is not running, and its exit code is unknown.
     */
    private boolean monitored(String id) {
        return monitor.containers().contains(id);
    }

    @Override
    public boolean isRunning(String id) {
        return monitored(id) && monitor.running(id);
    }

    @Override
    public OptionalInt exitCode(String id) {
        if (!monitored(id)) {
            return OptionalInt.empty();
        }
        Optional<Integer> code = monitor.exitCode(id);
        return code.isPresent() ? OptionalInt.of(code.get()) : OptionalInt.empty();
    }

    @Override
    public int awaitExit(String id) throws InterruptedException {
        while (true) {
            Optional<Integer> code = monitor.awaitExit(id, Duration.ofMinutes(1));
            if (code.isPresent()) {
                return code.get();
            }
        }
    }

    @Override
    public boolean hasState(String id) {
        return monitored(id) || Files.exists(bundle(id));
    }

    @Override
    public void release(String id) {
        monitor.cleanup(id);
        try {
            Folder.deleteTree(bundle(id));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the bundle of container " + id, e);
        }
    }

    @Override
    public Attachment attach(String id) throws IOException {
        try {
            return new StreamAttachment(monitor.attach(id));
        } catch (MonitorException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void resize(String id, int height, int width) throws IOException {
        try {
            monitor.resize(id, height, width);
        } catch (MonitorException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public LogSource logs(String id) {
        return (tail, since, until, follow, consumer) -> {
            Path file = logFile(id);
            if (!Files.exists(file)) {
                return;
            }
            ContainerLog log = new ContainerLog(file, () -> !monitor.running(id));
            LogQuery query = new LogQuery(true, true, tail, since, until);
            ContainerLog.LogSink sink = line -> consumer.test(entry(line));
            if (follow) {
                log.follow(query, sink);
            } else {
                log.read(query, sink);
            }
        };
    }

    private static LogSource.Entry entry(LogLine line) {
        byte[] content = line.content();
        if (line.complete()) {
            byte[] withNewline = java.util.Arrays.copyOf(content, content.length + 1);
            withNewline[content.length] = '\n';
            content = withNewline;
        }
        return new LogSource.Entry(line.time(), line.source() == OutputSource.STDERR, content);
    }

    @Override
    public List<Integer> pids(String id) throws IOException {
        try {
            return runtime.pids(id).stream().map(Long::intValue).toList();
        } catch (OciRuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public ExecProcess exec(String id, ExecSpec spec) throws StartFailure {
        try {
            ExecRequest.ProcessUser user = null;
            if (spec.user() != null && !spec.user().isEmpty()) {
                Path rootfs = Path.of(new OciBundle(bundle(id)).read().root().path());
                UserResolver.ResolvedUser resolved = new UserResolver(rootfs).resolve(spec.user(), List.of());
                user = new ExecRequest.ProcessUser(Math.toIntExact(resolved.uid()), Math.toIntExact(resolved.gid()),
                        resolved.additionalGids().stream().map(Long::intValue).toList());
            }
            ExecSession session = monitor.exec(id, spec.execId(), new ExecRequest(spec.args(), spec.env(), spec.workingDir(),
                    user, spec.tty(), spec.attachStdin(), null));
            return new MonitoredExec(session);
        } catch (RuntimeFailureException e) {
            throw new StartFailure(e.runtimeMessage(), e);
        } catch (MonitorException e) {
            throw new StartFailure(e.getMessage(), e);
        }
    }

    @Override
    public void removeExec(String id, String execId) {
        if (monitored(id) && monitor.execs(id).contains(execId)) {
            monitor.removeExec(id, execId);
        }
    }

    @Override
    public void updateResources(String id, io.jmachine.engine.runtime.ResourceUpdate resources) throws IOException {
        try {
            runtime.update(id, resources);
        } catch (OciRuntimeException e) {
            // dockerd passes the runtime's words on (e.g. a memory limit below what the container uses)
            throw new IOException(e.runtimeMessage(), e);
        }
    }

    @Override
    public Usage usage(String id) throws IOException {
        CgroupStats stats = CgroupStats.read(cgroups, specs.cgroupsPath(id))
                .orElseThrow(() -> new IOException("container " + id + " has no cgroup (is it running?)"));
        // no limit: docker stats shows the host's memory, as dockerd does
        return new Usage(stats.memoryUsage(), stats.memoryLimit().orElseGet(io.jmachine.engine.linux.MemInfo::totalBytes), stats.memoryCache(),
                stats.cpuUsageNanos(),
                stats.pidsCurrent());
    }

    @Override
    public OptionalLong oomKills(String id) {
        return OomKills.read(cgroups, specs.cgroupsPath(id));
    }

    @Override
    public AutoCloseable watchOomKills(String id, Runnable onChange) throws IOException {
        return oomNotifier.watch(specs.cgroupsPath(id), onChange);
    }

    /** A monitor attach stream as the container side's attachment. */
    private record StreamAttachment(AttachStream stream) implements Attachment {
        @Override
        public void pumpOutput(OutputSink sink) throws IOException {
            try {
                Optional<AttachStream.Frame> frame;
                while ((frame = stream.read()).isPresent()) {
                    byte[] data = frame.get().data();
                    sink.write(frame.get().source() == OutputSource.STDERR, data, 0, data.length);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading container output");
            }
        }

        @Override
        public void writeStdin(byte[] bytes) throws IOException {
            stream.write(bytes);
        }

        @Override
        public void closeStdin() throws IOException {
            stream.closeStdin();
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    private static final class MonitoredExec implements ExecProcess {
        /** What an exec reads as once its container's monitor is gone: killed with the container, as dockerd reports it. */
        private static final int KILLED = 137;

        private final ExecSession session;
        /** Kept once known: the monitor's files of an exec go when its container stops. */
        private volatile Integer exitCode;

        MonitoredExec(ExecSession session) {
            this.session = session;
        }

        @Override
        public int pid() {
            return Math.toIntExact(session.pid());
        }

        @Override
        public Attachment attachment() {
            return new StreamAttachment(session.stream());
        }

        @Override
        public OptionalInt exitCode() {
            if (exitCode == null) {
                try {
                    session.exitCode().ifPresent(code -> exitCode = code);
                } catch (MonitorException e) {
                    exitCode = KILLED;
                }
            }
            return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
        }

        @Override
        public int awaitExit(Duration timeout) throws InterruptedException {
            if (exitCode().isPresent()) {
                return exitCode;
            }
            try {
                return session.awaitExit(timeout).orElse(-1);
            } catch (MonitorException e) {
                exitCode = KILLED;
                return KILLED;
            }
        }

        @Override
        public void resize(int height, int width) {
            session.resize(height, width);
        }
    }
}
