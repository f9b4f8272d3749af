package io.jmachine.engine.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Map;

/**
 * What {@code runc state} says about a container (runtime-spec runtime.md state, plus runc's rootfs and created).
 *
 * @param status  creating, created, running, paused or stopped
 * @param pid     the container's init on the host; 0 once stopped
 * @param created RFC 3339 with nanoseconds, as the runtime writes it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RuntimeState(String ociVersion, String id, int pid, String status, String bundle, String rootfs, String created,
                           Map<String, String> annotations) {

    public boolean isRunning() {
        return "running".equals(status);
    }

    public boolean isPaused() {
        return "paused".equals(status);
    }

    public boolean isStopped() {
        return "stopped".equals(status);
    }

    public boolean isCreated() {
        return "created".equals(status);
    }
}
