package io.jmachine.provisioner.forward;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PortForwarding;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Keeps a machine's forwards those of its containers' published ports: it follows the engine's container events and
 * reconciles after each burst of them, and every {@code tick} besides (a missed event, an engine or VM restart, a port
 * freed on the host). A reconcile is level-triggered (the whole list of published ports against QEMU's whole table), so
 * an event lost or a reconcile cut short is made good by the next. While the engine does not answer, the forwards stay
 * as they are: its containers with restart policies come back with their ports.
 */
public final class ForwardAgent {

    /** The machine's engine, as the agent needs it. */
    public interface Engine {
        List<PortForwarding.Published> publishedPorts() throws IOException, InterruptedException;

        /** Blocks while the event stream lasts; {@code onConnected} once it is open, {@code onEvent} for each event. */
        void follow(Runnable onConnected, Runnable onEvent) throws IOException, InterruptedException;
    }

    private final PortForwarding forwarding;
    private final Engine engine;
    private final BooleanSupplier machineExists;
    private final Duration tick;
    private final Duration idleLimit;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running = true;

    /**
     * @param machineExists false once the machine is removed: the agent ends
     * @param idleLimit     how long the VM may not run before the agent ends (the next start brings it back)
     */
    public ForwardAgent(PortForwarding forwarding, Engine engine, BooleanSupplier machineExists, Duration tick, Duration idleLimit) {
        this.forwarding = forwarding;
        this.engine = engine;
        this.machineExists = machineExists;
        this.tick = tick;
        this.idleLimit = idleLimit;
    }

    /** Runs until the machine is removed or its VM has not run for {@code idleLimit}. */
    public void run() throws InterruptedException {
        Thread events = Thread.ofPlatform().daemon().name("engine-events").start(this::followEvents);
        try {
            long idleSince = -1;
            while (machineExists.getAsBoolean()) {
                Outcome outcome = reconcileOnce();
                if (outcome == Outcome.VM_DOWN) {
                    idleSince = idleSince < 0 ? System.nanoTime() : idleSince;
                    if (System.nanoTime() - idleSince > idleLimit.toNanos()) {
                        return;
                    }
                } else {
                    idleSince = -1;
                }
                // events come in bursts (create, start; die, stop, destroy): one reconcile after the first and a breath
                if (wake.tryAcquire(tick.toMillis(), TimeUnit.MILLISECONDS)) {
                    Thread.sleep(100);
                    wake.drainPermits();
                }
            }
        } finally {
            running = false;
            events.interrupt();
        }
    }

    /** What one reconcile came to. */
    public enum Outcome { DONE, ENGINE_DOWN, VM_DOWN }

    /** One reconcile; never throws for a host or an engine that is down. */
    public Outcome reconcileOnce() throws InterruptedException {
        List<PortForwarding.Published> ports;
        try {
            ports = engine.publishedPorts();
        } catch (IOException e) {
            try {
                // the list is unknown: nothing is removed, but a VM that is down is told apart from an engine that is
                forwarding.reconcile(forwarding.recorded().stream()
                        .map(f -> new PortForwarding.Published(f.proto(), f.hostIp(), f.hostPort())).toList());
                return Outcome.ENGINE_DOWN;
            } catch (DriverException vmDown) {
                return Outcome.VM_DOWN;
            }
        }
        try {
            forwarding.reconcile(ports);
            return Outcome.DONE;
        } catch (DriverException e) {
            return Outcome.VM_DOWN;
        }
    }

    private void followEvents() {
        while (running) {
            try {
                // a reconnected stream may have missed events: reconcile once it is open
                engine.follow(wake::release, wake::release);
            } catch (IOException e) {
                // the engine restarts, or the VM does: try again shortly
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
