package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

import java.time.Duration;
import java.time.Instant;

/** Docker's restart policies: no, on-failure[:N], always, unless-stopped, with a doubling back-off. */
final class RestartPolicy {

    static final Duration FIRST_DELAY = Duration.ofMillis(100);
    static final Duration MAX_DELAY = Duration.ofMinutes(1);
    /** A container that ran this long counts as healthy: its back-off starts over. */
    static final Duration RESET_AFTER = Duration.ofSeconds(10);

    private RestartPolicy() {
    }

    static void validate(HostConfig.RestartPolicy policy, boolean autoRemove) {
        String name = policy.name();
        switch (name) {
            case "", "no", "always", "unless-stopped", "on-failure" -> { }
            default -> throw EngineException.invalid("invalid restart policy '" + name + "'");
        }
        if (policy.maximumRetryCount() < 0) {
            throw EngineException.invalid("invalid restart policy: maximum retry count cannot be negative");
        }
        if (policy.maximumRetryCount() > 0 && !name.equals("on-failure")) {
            throw EngineException.invalid("invalid restart policy: maximum retry count can only be used with 'on-failure'");
        }
        if (autoRemove && !name.isEmpty() && !name.equals("no")) {
            throw EngineException.invalid("Conflicting options: AutoRemove and restart policy '" + name + "'");
        }
    }

    /** Whether an exit (not caused by docker stop/kill) brings the container back. */
    static boolean shouldRestart(ContainerRecord record, int exitCode) {
        HostConfig.RestartPolicy policy = record.hostConfig().restartPolicy();
        return switch (policy.name()) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> exitCode != 0
                    && (policy.maximumRetryCount() == 0 || record.restartCount() < policy.maximumRetryCount());
            default -> false;
        };
    }

    /**
     * Whether an exited container starts when the engine does, as dockerd's restore decides: always, unless-stopped
     * when no client stopped it, on-failure after a failure with retries left. A container that never ran stays put.
     */
    static boolean startsWithTheEngine(ContainerRecord record) {
        if (record.state().status() != ContainerState.Status.exited || record.hostConfig().autoRemove()) {
            return false;
        }
        HostConfig.RestartPolicy policy = record.hostConfig().restartPolicy();
        return switch (policy.name()) {
            case "always" -> true;
            case "unless-stopped" -> !record.manuallyStopped();
            case "on-failure" -> record.state().exitCode() != 0
                    && (policy.maximumRetryCount() == 0 || record.restartCount() < policy.maximumRetryCount());
            default -> false;
        };
    }

    static Duration backoff(ContainerRecord record, Instant now) {
        ContainerState state = record.state();
        Duration ran = Duration.between(state.startedAt(), state.finishedAt());
        if (ran.compareTo(RESET_AFTER) >= 0) {
            return FIRST_DELAY;
        }
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(record.restartCount(), 10));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }
}
