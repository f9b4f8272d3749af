package io.jmachine.provisioner.ssh;

import io.jmachine.drivers.SshEndpoint;
import io.jmachine.drivers.Progress;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Waits until a host takes SSH logins (a booting VM, a host coming back), with bounded retries, saying what
 * each failed attempt met, so that a stuck create shows why instead of "too many retries".
 */
public final class SshWaiter {

    private final Duration attemptTimeout;
    private final Duration pause;
    private final int attempts;

    /** @param attempts how many logins are tried at most, {@code pause} apart, each given {@code attemptTimeout} */
    public SshWaiter(int attempts, Duration attemptTimeout, Duration pause) {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
        this.attempts = attempts;
        this.attemptTimeout = attemptTimeout;
        this.pause = pause;
    }

    /**
     * Docker Machine's bound of about 3 minutes of refused logins, tried a quarter of a second apart rather than 3 s: a
     * booting VM's forwarded port refuses at once, and half the pause, on average, is added to create.
     */
    public static SshWaiter standard() {
        return new SshWaiter(720, Duration.ofSeconds(10), Duration.ofMillis(250));
    }

    public SshClient connect(SshEndpoint endpoint, Path knownHosts, Progress progress) {
        SshException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                SshClient client = SshClient.connect(endpoint, knownHosts, attemptTimeout);
                // a login is not enough while the host boots: the shell must run commands
                client.run("true", attemptTimeout).orThrow("a first command");
                return client;
            } catch (HostKeyMismatchException e) {
                throw e;
            } catch (SshException e) {
                last = e;
                progress.status("waiting for SSH on " + endpoint.host() + ":" + endpoint.port() + " (attempt " + attempt + "/" + attempts
                        + "): " + rootCause(e));
            }
            if (attempt < attempts) {
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SshException("interrupted while waiting for SSH on " + endpoint.host(), e);
                }
            }
        }
        throw new SshException("SSH on " + endpoint.host() + ":" + endpoint.port() + " did not take a login as " + endpoint.user()
                + " after " + attempts + " attempts; last error: " + last.getMessage(), last);
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
