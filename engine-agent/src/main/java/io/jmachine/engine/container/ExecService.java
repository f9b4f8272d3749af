package io.jmachine.engine.container;

import io.jmachine.engine.api.ApiException;
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
        /** Docker's 126/127 when the process could not start, which `docker exec` reads as its exit code. */
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
        if (!record.state().running()) {
            throw ApiException.conflict("container " + record.id() + " is not running");
        }
        if (record.state().paused()) {
            throw ApiException.conflict("Container " + record.id() + " is paused, unpause the container before exec");
        }
        if (config.cmd() == null || config.cmd().isEmpty()) {
            throw ApiException.badRequest("No exec command specified");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        ExecInstance instance = new ExecInstance(HexFormat.of().formatHex(bytes), record.id(), config);
        instances.put(instance.id(), instance);
        events.publish("container", "exec_create: " + String.join(" ", config.cmd()), record.id(), execAttributes(record, instance.id()));
        return instance;
    }

    public ExecInstance get(String id) {
        ExecInstance instance = instances.get(id);
        if (instance == null) {
            throw ApiException.notFound("No such exec instance: " + id);
        }
        return instance;
    }

    /** Starts the process; 409 if this exec already ran or its container stopped meanwhile. */
    public ExecInstance start(String id) {
        ExecInstance instance = get(id);
        synchronized (instance) {
            if (instance.started) {
                throw ApiException.conflict("Exec command " + id + " has already run");
            }
            instance.started = true;
        }
        ContainerRecord record = store.resolve(instance.containerId());
        if (!record.state().running()) {
            throw ApiException.conflict("container " + record.id() + " is not running");
        }
        ExecConfig c = instance.config();
        String user = c.user() == null || c.user().isEmpty() ? record.config().user() : c.user();
        String cwd = c.workingDir() == null || c.workingDir().isEmpty() ? record.config().workingDir() : c.workingDir();
        List<String> env = ContainerCreation.mergeEnv(record.config().env(), c.env() == null ? List.of() : c.env());
        try {
            instance.process = processes.exec(record.id(), new ContainerProcesses.ExecSpec(id, c.cmd(), env,
                    cwd == null || cwd.isEmpty() ? "/" : cwd, user, c.tty(), c.attachStdin(), c.privileged()));
        } catch (ContainerProcesses.StartFailure e) {
            int code = e.dockerExitCode();
            instance.failedExitCode = code;
            throw new ApiException(code == 127 ? 404 : 500, "OCI runtime exec failed: " + e.getMessage());
        }
        events.publish("container", "exec_start: " + String.join(" ", c.cmd()), record.id(), execAttributes(record, id));
        return instance;
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
