package io.jmachine.provisioner.forward;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PortForwarding;
import io.jmachine.drivers.PortForwarding.Forward;
import io.jmachine.drivers.PortForwarding.Published;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardAgentTest {

    /** Forwards as a VM holds them: the last list reconciled; a VM that is down refuses. */
    static final class Host implements PortForwarding {
        volatile List<Forward> forwards = List.of();
        volatile boolean up = true;
        final List<List<Published>> reconciles = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public List<Forward> reconcile(List<Published> ports) {
            if (!up) {
                throw new DriverException("vm1 is not running");
            }
            reconciles.add(ports);
            forwards = ports.stream().map(p -> new Forward(p.proto(), "127.0.0.1", p.port(), p.port(), null)).distinct().toList();
            return forwards;
        }

        @Override
        public List<Forward> recorded() {
            return forwards;
        }
    }

    /** An engine whose published ports a test sets; null: the engine does not answer (it restarts). */
    static final class Engine implements ForwardAgent.Engine {
        volatile List<Published> ports = List.of();
        final java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public List<Published> publishedPorts() throws IOException {
            List<Published> now = ports;
            if (now == null) {
                throw new IOException("connection refused");
            }
            return now;
        }

        @Override
        public void follow(Runnable onConnected, Runnable onEvent) throws IOException, InterruptedException {
            if (ports == null) {
                throw new IOException("connection refused");
            }
            onConnected.run();
            while (true) {
                String event = events.take();
                if (event.equals("engine stops")) {
                    throw new IOException("stream ended");
                }
                onEvent.run();
            }
        }
    }

    private static Published tcp(int port) {
        return new Published("tcp", "0.0.0.0", port);
    }

    private final Host host = new Host();
    private final Engine engine = new Engine();

    @Test
    void anEngineRestartMidwayKeepsTheForwardsAndTheNextAnswerIsReconciled() throws Exception {
        ForwardAgent agent = new ForwardAgent(host, engine, () -> true, Duration.ofSeconds(5), Duration.ofMinutes(2));
        engine.ports = List.of(tcp(8080));
        assertEquals(ForwardAgent.Outcome.DONE, agent.reconcileOnce());
        engine.ports = null;
        assertEquals(ForwardAgent.Outcome.ENGINE_DOWN, agent.reconcileOnce());
        assertEquals(List.of(8080), host.forwards.stream().map(Forward::hostPort).toList());
        engine.ports = List.of(tcp(8080), tcp(8081));
        assertEquals(ForwardAgent.Outcome.DONE, agent.reconcileOnce());
        assertEquals(List.of(8080, 8081), host.forwards.stream().map(Forward::hostPort).toList());
    }

    @Test
    void aVmThatIsDownIsToldApartFromAnEngineThatIs() throws Exception {
        ForwardAgent agent = new ForwardAgent(host, engine, () -> true, Duration.ofSeconds(5), Duration.ofMinutes(2));
        host.up = false;
        engine.ports = null;
        assertEquals(ForwardAgent.Outcome.VM_DOWN, agent.reconcileOnce());
    }

    @Test
    void anEventIsFollowedByAReconcileWellBeforeTheTickAndAStreamThatEndsIsFollowedAgain() throws Exception {
        AtomicBoolean exists = new AtomicBoolean(true);
        ForwardAgent agent = new ForwardAgent(host, engine, exists::get, Duration.ofSeconds(30), Duration.ofMinutes(2));
        Thread thread = Thread.ofPlatform().start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        awaitForwards(List.of());
        engine.ports = List.of(tcp(9000));
        engine.events.add("start");
        awaitForwards(List.of(9000));
        engine.events.add("engine stops"); // the stream breaks; the agent reconnects within a second or so
        engine.ports = List.of(tcp(9000), tcp(9001));
        awaitForwards(List.of(9000, 9001));
        exists.set(false);
        engine.events.add("destroy");
        thread.join(10_000);
        assertTrue(!thread.isAlive(), "the agent ends once its machine is removed");
    }

    @Test
    void theAgentEndsWhenTheVmHasNotRunForTheIdleLimit() throws Exception {
        host.up = false;
        engine.ports = null;
        ForwardAgent agent = new ForwardAgent(host, engine, () -> true, Duration.ofMillis(50), Duration.ofMillis(200));
        CountDownLatch done = new CountDownLatch(1);
        Thread.ofPlatform().start(() -> {
            try {
                agent.run();
                done.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    private void awaitForwards(List<Integer> ports) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (host.forwards.stream().map(Forward::hostPort).toList().equals(ports) && !host.reconciles.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("forwards " + host.forwards + ", wanted " + ports);
    }
}
