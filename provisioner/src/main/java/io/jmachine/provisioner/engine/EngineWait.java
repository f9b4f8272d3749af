package io.jmachine.provisioner.engine;

import io.jmachine.drivers.Progress;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Asks an engine's {@code /_ping} over mutual TLS, a fifth of a second apart, until it answers, as the docker CLI will
 * reach it: the wait shows as one status line that says how long it has been and what the last attempt met.
 */
public final class EngineWait {

    private static final Duration ATTEMPT = Duration.ofSeconds(3);
    /** A refused or reset connection costs the host and the guest next to nothing: asked often, found soon after it listens. */
    private static final Duration PAUSE = Duration.ofMillis(200);
    /** giveUp may be a command over SSH (0.3-0.6 s, and the guest's CPU, under TCG): asked this far apart. */
    private static final Duration GIVE_UP_EVERY = Duration.ofSeconds(2);

    private EngineWait() {
    }

    /**
     * @param giveUp asked between attempts: true when there is no point waiting longer (the engine's service ended)
     * @return empty once the engine answered; else what the last attempt met, when the time ran out or {@code giveUp} said so
     */
    public static Optional<String> await(EngineClient client, Duration timeout, BooleanSupplier giveUp, Progress progress)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = "no attempt yet";
        long nextGiveUpCheck = start + GIVE_UP_EVERY.toNanos();
        while (true) {
            try {
                client.ping(ATTEMPT);
                return Optional.empty();
            } catch (IOException e) {
                last = e.getMessage() != null ? e.getMessage() : e.toString();
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                return Optional.of(last);
            }
            if (now >= nextGiveUpCheck) {
                if (giveUp.getAsBoolean()) {
                    return Optional.of(last);
                }
                nextGiveUpCheck = System.nanoTime() + GIVE_UP_EVERY.toNanos();
            }
            progress.status("waiting for the engine (" + (System.nanoTime() - start) / 1_000_000_000L + " s): " + last);
            Thread.sleep(PAUSE.toMillis());
        }
    }
}
