package io.jmachine.engine.monitor;

import java.util.List;

/**
 * A process to run in a running container, as {@code docker exec}. What is not given comes from
 * the container's own process (config.json): its environment (extended by {@code env}), working
 * directory, user, capabilities, rlimits, no-new-privileges and AppArmor/SELinux labels.
 *
 * @param command     the program and its arguments
 * @param env         {@code NAME=value} entries added to (or replacing in) the container's environment
 * @param workingDir  null for the container's
 * @param user        null for the container's
 * @param tty         give the process a TTY
 * @param stdin       give it a stdin that the attach stream writes to
 * @param consoleSize the TTY's initial size, or null
 */
public record ExecRequest(List<String> command, List<String> env, String workingDir, ProcessUser user, boolean tty,
                          boolean stdin, ConsoleSize consoleSize) {

    /** A numeric user (the engine resolves names against the container's /etc/passwd). */
    public record ProcessUser(int uid, int gid, List<Integer> additionalGids) {
    }

    /** A TTY's size in rows and columns. */
    public record ConsoleSize(int height, int width) {
    }

    /** Just a command, with everything else the container's, no TTY and no stdin. */
    public static ExecRequest of(String... command) {
        return new ExecRequest(List.of(command), List.of(), null, null, false, false, null);
    }

    public ExecRequest withTty(boolean withTty) {
        return new ExecRequest(command, env, workingDir, user, withTty, stdin, consoleSize);
    }

    public ExecRequest withStdin(boolean withStdin) {
        return new ExecRequest(command, env, workingDir, user, tty, withStdin, consoleSize);
    }

    public ExecRequest withEnv(List<String> entries) {
        return new ExecRequest(command, entries, workingDir, user, tty, stdin, consoleSize);
    }

    public ExecRequest withUser(ProcessUser processUser) {
        return new ExecRequest(command, env, workingDir, processUser, tty, stdin, consoleSize);
    }

    public ExecRequest withWorkingDir(String dir) {
        return new ExecRequest(command, env, dir, user, tty, stdin, consoleSize);
    }

    public ExecRequest withConsoleSize(ConsoleSize size) {
        return new ExecRequest(command, env, workingDir, user, tty, stdin, size);
    }
}
