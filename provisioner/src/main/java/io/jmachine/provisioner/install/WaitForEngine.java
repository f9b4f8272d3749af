package io.jmachine.provisioner.install;

import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.engine.EngineClient;
import io.jmachine.provisioner.engine.EngineWait;

import java.time.Duration;
import java.util.Optional;

/** Waits until the engine answers `/_ping` over mutual TLS from here, as the docker CLI will reach it. */
final class WaitForEngine implements InstallStep {

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
        // the step's own bound is a little longer, so that this one's message (with the engine's output) is what shows
        Optional<String> failure = EngineWait.await(client, timeout.minusSeconds(5), () -> !facts.service().running(), progress);
        if (failure.isEmpty()) {
            return;
        }
        if (!facts.service().running()) {
            throw new IllegalStateException("the engine exited; its last output:\n" + facts.service().logTail().strip());
        }
        throw new IllegalStateException("no answer to /_ping over TLS (" + failure.get() + "); the engine's last output:\n"
                + facts.service().logTail().strip());
    }

    @Override
    public String remedy() {
        return "check that the engine's port is open between here and the host (a firewall?), and the engine's output above";
    }
}
