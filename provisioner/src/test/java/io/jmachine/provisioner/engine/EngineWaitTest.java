package io.jmachine.provisioner.engine;

import io.jmachine.drivers.Progress;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineWaitTest {

    @Test
    void aWaitThatEndsBeforeTwoSecondsNeverAsksWhetherToGiveUpButTriesManyTimes() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger attempts = new AtomicInteger();

        Optional<String> failure = EngineWait.await(closedPort(), Duration.ofMillis(1500), () -> {
            asked.incrementAndGet();
            return false;
        }, counting(attempts));

        assertTrue(failure.isPresent());
        assertEquals(0, asked.get(), "giveUp (a command over SSH) is asked at most every 2 s");
        assertTrue(attempts.get() >= 4, "refused connections are tried again a fifth of a second apart: " + attempts.get());
    }

    @Test
    void aServiceThatEndedStopsTheWaitAtTheFirstCheck() throws Exception {
        AtomicInteger asked = new AtomicInteger();

        Optional<String> failure = EngineWait.await(closedPort(), Duration.ofSeconds(60), () -> asked.incrementAndGet() > 0, Progress.silent());

        assertTrue(failure.isPresent());
        assertEquals(1, asked.get());
    }

    /** A client for a loopback port nothing listens on: each attempt is refused at once. */
    private static EngineClient closedPort() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        SSLContext tls = SSLContext.getDefault();
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        return new EngineClient(URI.create("tcp://127.0.0.1:" + port), tls, () -> http);
    }

    /** Counts the status lines, one per failed attempt. */
    private static Progress counting(AtomicInteger attempts) {
        return new Progress() {
            @Override
            public void report(String line) {
            }

            @Override
            public void status(String line) {
                attempts.incrementAndGet();
            }
        };
    }
}
