package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.events.EventBus;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/** Exec instances: made by /containers/{id}/exec, run by /exec/{id}/start, read by /exec/{id}/json. Kept in memory, as dockerd. */
public final class ExecService {

    /** What the client asked for. */
    public record ExecConfig(List<String> cmd, List<String> env, String workingDir, String user, boolean tty,
                             boolean attachStdin, boolean attachStdout, boolean attachStderr, boolean privileged,
                             String detachKeys) {}

    /** One exec instance and, once started, its process. */
    public static final class ExecInstance {
        private final String id;
        private final String containerId;
        private final ExecConfig config;
        private volatile ContainerProcesses.ExecProcess process;
        private volatile boolean started;
        /** 126 when the process could not start, which `docker exec` reads as its exit code. */
        private volatile Integer failedExitCode;

        ExecInstance(String id, String containerId, ExecConfig config) {
            this.id = id;
            this.containerId = containerId;
            this.config = config;
        }

        public String id() {
            return id;
        }

        public String containerId() {
            return containerId;
        }

        public ExecConfig config() {
            return config;
        }

        public ContainerProcesses.ExecProcess process() {
            return process;
        }

        public boolean running() {
            return process != null && process.exitCode().isEmpty();
        }

        /** Made and not yet ended, as dockerd lists it in the container's ExecIDs: not started, or running. */
        boolean pending() {
            return failedExitCode == null && (process == null || process.exitCode().isEmpty());
        }

        public OptionalInt exitCode() {
            if (process == null) {
                return failedExitCode == null ? OptionalInt.empty() : OptionalInt.of(failedExitCode);
            }
            return process.exitCode();
        }
    }

    private final ContainerStore store;
    private final ContainerProcesses processes;
    private final EventBus events;
    private final Map<String, ExecInstance> instances = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public ExecService(ContainerStore store, ContainerProcesses processes, EventBus events) {
        this.store = store;
        this.processes = processes;
        this.events = events;
    }

    public ExecInstance create(String containerIdOrName, ExecConfig config) {
        ContainerRecord record = store.resolve(containerIdOrName);
        refuseUnlessRunning(record);
        if (config.cmd() == null || config.cmd().isEmpty()) {
            throw EngineException.invalid("No exec command specified");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        ExecInstance instance = new ExecInstance(HexFormat.of().formatHex(bytes), record.id(), config);
        instances.put(instance.id(), instance);
        events.publish("container", "exec_create: " + String.join(" ", config.cmd()), record.id(), execAttributes(record, instance.id()));
        return instance;
    }

    /** dockerd's 409s for a container an exec cannot run in. */
    private static void refuseUnlessRunning(ContainerRecord record) {
        ContainerState state = record.state();
        if (state.restarting()) {
            throw EngineException.conflict("Container " + record.id() + " is restarting, wait until the container is running");
        }
        if (!state.running()) {
            throw EngineException.conflict("Container " + record.id() + " is not running");
        }
        if (state.paused()) {
            throw EngineException.conflict("Container " + record.id() + " is paused, unpause the container before exec");
        }
    }

    /**
     * What dockerd checks before it takes over the connection of a start: the exec exists and its container can
     * run it (a 404, or the container's 409); what fails after that is written to the stream instead.
     */
    public ExecInstance startable(String id) {
        ExecInstance instance = get(id);
        ContainerRecord record = store.byId(instance.containerId());
        if (record == null) {
            throw EngineException.notFound("No such container: " + instance.containerId());
        }
        refuseUnlessRunning(record);
        return instance;
    }

    /** The container's execs that were made and have not ended, as inspect's ExecIDs; null when none, as dockerd. */
    public List<String> pendingIds(String containerId) {
        List<String> ids = instances.values().stream()
                .filter(i -> i.containerId().equals(containerId) && i.pending())
                .map(ExecInstance::id)
                .toList();
        return ids.isEmpty() ? null : ids;
    }

    /** A client left an exec with its detach keys; the process runs on. */
    public void detached(String id) {
        ExecInstance instance = instances.get(id);
        ContainerRecord record = instance == null ? null : store.byId(instance.containerId());
        if (record != null) {
            events.publish("container", "exec_detach", record.id(), execAttributes(record, id));
        }
    }

    public ExecInstance get(String id) {
        ExecInstance instance = instances.get(id);
        if (instance == null) {
            throw EngineException.notFound("No such exec instance: " + id);
        }
        return instance;
    }

    /** Starts the process; 409 if this exec already ran or runs, or its container stopped meanwhile. */
    public ExecInstance start(String id) {
        ExecInstance instance = get(id);
        // before the exec counts as started: one refused for its container's state may be started later
        ContainerRecord record = store.resolve(instance.containerId());
        refuseUnlessRunning(record);
        synchronized (instance) {
            if (instance.started) {
                throw EngineException.conflict(instance.running() || instance.exitCode().isEmpty()
                        ? "Error: Exec command " + id + " is already running" : "Error: Exec command " + id + " has already run");
            }
            instance.started = true;
        }
        ExecConfig c = instance.config();
        String user = c.user() == null || c.user().isEmpty() ? record.config().user() : c.user();
        String cwd = c.workingDir() == null || c.workingDir().isEmpty() ? record.config().workingDir() : c.workingDir();
        List<String> env = ContainerCreation.mergeEnv(record.config().env(), c.env() == null ? List.of() : c.env());
        events.publish("container", "exec_start: " + String.join(" ", c.cmd()), record.id(), execAttributes(record, id));
        try {
            instance.process = processes.exec(record.id(), new ContainerProcesses.ExecSpec(id, c.cmd(), env,
                    cwd == null || cwd.isEmpty() ? "/" : cwd, user, c.tty(), c.attachStdin(), c.privileged()));
        } catch (ContainerProcesses.StartFailure e) {
            // dockerd 20.10 reads 127 or 126 from the runtime's message, then overwrites either with 126 on its way out
            instance.failedExitCode = 126;
            String message = "OCI runtime exec failed: " + e.getMessage();
            throw new EngineException(isInvalidConfig(message) ? EngineException.Kind.INVALID : EngineException.Kind.INTERNAL, message);
        }
        return instance;
    }

    /** dockerd's startInvalidConfigError (400): the program is missing, not executable, or a path is not a directory. */
    private static boolean isInvalidConfig(String runtimeMessage) {
        String m = runtimeMessage.toLowerCase(java.util.Locale.ROOT);
        return m.contains("executable file not found") || m.contains("no such file or directory")
                || m.contains("system cannot find the file specified") || m.contains("failed to run runc create/exec call")
                || m.contains("permission denied") || m.contains("not a directory");
    }

    /** dockerd names the exec in its events. */
    private static Map<String, String> execAttributes(ContainerRecord record, String execId) {
        Map<String, String> attributes = new java.util.HashMap<>(record.eventAttributes());
        attributes.put("execID", execId);
        return attributes;
    }

    /**
     * Forgets one exec, as dockerd does with its health probes: the instance, the monitor's files and the process
     * if it still runs (a probe past its timeout). Says exec_die when the process had started.
     */
    public void remove(String execId) {
        ExecInstance instance = instances.remove(execId);
        if (instance == null) {
            return;
        }
        // read before the monitor's files go; a process still running is killed below, which dockerd reports as 137
        OptionalInt code = instance.process == null ? OptionalInt.empty() : instance.exitCode();
        processes.removeExec(instance.containerId(), execId);
        ContainerRecord record = store.byId(instance.containerId());
        if (instance.process != null && record != null) {
            Map<String, String> attributes = execAttributes(record, execId);
            attributes.put("exitCode", String.valueOf(code.isPresent() ? code.getAsInt() : 137));
            events.publish("container", "exec_die", record.id(), attributes);
        }
    }

    /** Exec instances of removed containers go with them. */
    public void forgetContainer(String containerId) {
        instances.values().removeIf(i -> i.containerId().equals(containerId));
    }
}
