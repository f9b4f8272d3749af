package io.jmachine.engine.monitor;

import java.nio.file.Path;

/**
 * A container for conmon to create and watch.
 *
 * @param id        the container ID, also the runtime's name for it
 * @param bundle    the OCI bundle (config.json, rootfs); conmon also puts its attach socket and
 *                  control FIFOs (attach, ctl, winsz) here
 * @param logPath   where the k8s-file log goes (its directory is made; no ':' in it, conmon splits there); null for
 *                  no log at all (Docker's none log driver)
 * @param terminal  give the process a TTY (config.json's process.terminal must say the same)
 * @param stdin     keep a stdin pipe open that attach clients write to
 * @param stdinOnce close the process's stdin when the first attached client ends its input
 *                  (Docker's StdinOnce); otherwise it stays open for the next client
 * @param logSizeMax bytes the log may grow to before conmon starts it anew (Docker's max-size); 0 for no limit
 */
public record MonitorRequest(String id, Path bundle, Path logPath, boolean terminal, boolean stdin, boolean stdinOnce, long logSizeMax) {

    public MonitorRequest(String id, Path bundle, Path logPath, boolean terminal, boolean stdin, boolean stdinOnce) {
        this(id, bundle, logPath, terminal, stdin, stdinOnce, 0);
    }
}
