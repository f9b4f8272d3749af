package io.jmachine.engine.health;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.container.ContainerHealth;
import io.jmachine.engine.container.ContainerProcesses;
import io.jmachine.engine.container.ExecService;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * A probe run as dockerd runs it: an exec in the container (its user, working directory and environment),
 * stdout and stderr captured together, killed at the timeout, and its exec record removed afterwards so
 * probes every few seconds leave nothing behind.
 */
public final class ExecProbe implements Probe {

    /** How long the output may trail the exit: conmon closes the stream right after the process ends. */
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(2);

    private final ExecService execs;
    private final Clock clock;

    public ExecProbe(ExecService execs, Clock clock) {
        this.execs = execs;
        this.clock = clock;
    }

    @Override
    public ContainerHealth.Result run(String containerId, List<String> command, Duration timeout) throws InterruptedException {
        Instant start = clock.instant();
        ExecService.ExecInstance instance;
        try {
            instance = execs.create(containerId, new ExecService.ExecConfig(command, List.of(), "", "", false, false, true, true,
                    false, null));
        } catch (EngineException e) {
            return new ContainerHealth.Result(start, clock.instant(), -1, e.getMessage());
        }
        try {
            execs.start(instance.id());
            return await(instance.process(), start, timeout);
        } catch (EngineException e) {
            return new ContainerHealth.Result(start, clock.instant(), -1, e.getMessage());
        } finally {
            // kills a probe past its timeout too
            execs.remove(instance.id());
        }
    }

    private ContainerHealth.Result await(ContainerProcesses.ExecProcess process, Instant start, Duration timeout)
            throws InterruptedException {
        ProbeOutput output = new ProbeOutput();
        ContainerProcesses.Attachment attachment = process.attachment();
        Thread pump = Thread.ofVirtual().name("health-probe-output").start(() -> {
            try {
                attachment.pumpOutput(output);
            } catch (IOException e) {
                // the stream closed under us (timeout): what came so far is the output
            }
        });
        try {
            process.awaitExit(timeout);
            OptionalInt code = process.exitCode();
            if (code.isEmpty()) {
                return new ContainerHealth.Result(start, clock.instant(), -1,
                        "Health check exceeded timeout (" + goDuration(timeout) + ")");
            }
            pump.join(OUTPUT_GRACE);
            return new ContainerHealth.Result(start, clock.instant(), code.getAsInt(), output.text());
        } finally {
            attachment.close();
        }
    }

    /** Go's Duration.String for the timeouts people set: 500ms, 1s, 1.5s, 1m30s, 1h0m0s. */
    static String goDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            long nanos = d.toNanos();
            return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos % 1_000 == 0 ? nanos / 1_000 + "µs" : nanos + "ns";
        }
        String seconds = java.math.BigDecimal.valueOf(d.toSecondsPart()).add(java.math.BigDecimal.valueOf(d.toNanosPart(), 9))
                .stripTrailingZeros().toPlainString() + "s";
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m" + seconds;
        }
        return d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" + seconds : seconds;
    }
}
