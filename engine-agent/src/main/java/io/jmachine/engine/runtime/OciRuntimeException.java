package io.jmachine.engine.runtime;

import java.util.Locale;

/**
 * A runtime command that failed, carrying the runtime's own error text (for a missing command, runc says
 * {@code exec: "/no/such/binary": stat /no/such/binary: no such file or directory}), so the engine can report it
 * as Docker does and choose the exit code.
 */
public class OciRuntimeException extends RuntimeException {

    private final String runtime;
    private final String command;
    private final int exitStatus;
    private final String runtimeMessage;

    public OciRuntimeException(String runtime, String command, int exitStatus, String runtimeMessage) {
        // runc already starts its own messages with "runc create failed: "
        super(runtimeMessage.startsWith(runtime + " " + command + " failed") ? runtimeMessage : runtime + " " + command + " failed: " + runtimeMessage);
        this.runtime = runtime;
        this.command = command;
        this.exitStatus = exitStatus;
        this.runtimeMessage = runtimeMessage;
    }

    public String runtime() {
        return runtime;
    }

    /** The subcommand, e.g. create. */
    public String command() {
        return command;
    }

    /** The runtime process's exit status; -1 when it was killed for taking too long. */
    public int exitStatus() {
        return exitStatus;
    }

    /** The runtime's own message, without any prefix of ours. */
    public String runtimeMessage() {
        return runtimeMessage;
    }

    /**
     * The exit code Docker records when a container's process cannot start (moby daemon/start.go): 127 when the
     * command is not found, 126 when it cannot be invoked, 128 otherwise.
     */
    public int dockerExitCode() {
        String text = runtimeMessage.toLowerCase(Locale.ROOT);
        if (text.contains("executable file not found") || text.contains("no such file or directory")) {
            return 127;
        }
        if (text.contains("permission denied")) {
            return 126;
        }
        return 128;
    }

    /** Whether the runtime does not know the container (never created, or already deleted). */
    public boolean isNoSuchContainer() {
        String text = runtimeMessage.toLowerCase(Locale.ROOT);
        return text.contains("does not exist") || text.contains("container not found") || text.contains("no such file or directory")
                && text.contains("state");
    }
}
