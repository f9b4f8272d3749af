package io.jmachine.provisioner.install;

import io.jmachine.provisioner.Progress;
import io.jmachine.provisioner.engine.EngineClient;

import java.io.IOException;
import java.time.Duration;

/** Waits until the engine answers `/_ping` over mutual TLS from here, as the docker CLI will reach it. */
final class WaitForEngine implements InstallStep {

    private static final Duration ATTEMPT = Duration.ofSeconds(3);

    private final EngineClient client;
    private final HostFacts facts;
    private final Progress progress;
    private final Duration timeout;
    private final String url;

    WaitForEngine(EngineClient client, String url, HostFacts facts, Progress progress, Duration timeout) {
        this.client = client;
        this.url = url;
        this.facts = facts;
        this.progress = progress;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "wait for the engine at " + url;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public void run() throws Exception {
        long deadline = System.nanoTime() + timeout.minusSeconds(5).toNanos();
        long nextReport = System.nanoTime();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                client.ping(ATTEMPT);
                return;
            } catch (IOException e) {
                last = e;
            }
            if (!facts.service().running()) {
                throw new IllegalStateException("the engine exited; its last output:\n" + facts.service().logTail().strip());
            }
            if (System.nanoTime() >= nextReport) {
                progress.report("waiting for the engine: " + (last.getMessage() != null ? last.getMessage() : last));
                nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no answer to /_ping over TLS (" + last + "); the engine's last output:\n"
                + facts.service().logTail().strip());
    }

    @Override
    public String remedy() {
        return "check that the engine's port is open between here and the host (a firewall?), and the engine's output above";
    }
}
