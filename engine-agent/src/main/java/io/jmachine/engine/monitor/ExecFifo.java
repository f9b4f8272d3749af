package io.jmachine.engine.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * runc's {@code start} done in the engine, which spares a runc process (10-15 ms) on every start. A created
 * container's {@code runc init} waits in open(2) of {@code exec.fifo} in the container's runc state folder for a
 * reader; {@code runc start} opens it, reads the init's "0", reads on to the end (the init's end of the fifo is
 * close-on-exec, so the end comes when the container's process is exec'd) and removes the fifo, which is what makes
 * runc report the container as running rather than created (runc 1.0 to 1.2, libcontainer's {@code exec()}).
 */
final class ExecFifo {

    /** The fifo's name in runc's state folder of a container. */
    static final String NAME = "exec.fifo";
    /** How often a wait for the init looks whether it still lives, as runc's own start does. */
    private static final int POLL_MILLIS = 100;

    private ExecFifo() {
    }

    /**
     * Lets the created container's process run, as {@code runc start} does; false, having done nothing, when the
     * container has no fifo (it is not runc's, or not created: the runtime's own start then says what is wrong).
     *
     * @param initPid the container's init (its pid file), to notice an init that died before it opened its end
     * @throws RuntimeFailureException in runc's words when the init is gone or the container already started
     */
    static boolean start(Path fifo, long initPid, Duration timeout) throws IOException {
        int fd;
        try {
            fd = Libc.openFifoForReading(fifo);
        } catch (IOException e) {
            if (!Files.exists(fifo)) {
                return false;
            }
            throw e;
        }
        try {
            boolean readSome = false;
            byte[] buffer = new byte[16];
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                // poll(2) shows no hang-up on a fifo whose writer has not come yet, only once one came and went
                if (!Libc.awaitReadable(fd, POLL_MILLIS)) {
                    if (!alive(initPid)) {
                        throw new RuntimeFailureException("start", "container process is already dead");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new MonitorException("the init of the container never opened " + fifo + " in " + timeout.toSeconds() + " s");
                    }
                    continue;
                }
                int n = Libc.readNonBlocking(fd, buffer);
                if (n > 0) {
                    readSome = true;
                } else if (n == 0) {
                    if (!readSome) {
                        throw new RuntimeFailureException("start", "cannot start an already running container");
                    }
                    break;
                }
            }
        } finally {
            Libc.close(fd);
        }
        try {
            Files.delete(fifo);
        } catch (NoSuchFileException e) {
            // a concurrent start removed it: the container runs all the same
        }
        return true;
    }

    /** Whether the process lives and is not a zombie (its /proc stat's state, after the command in parentheses). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) != 'Z' && stat.charAt(end + 2) != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
