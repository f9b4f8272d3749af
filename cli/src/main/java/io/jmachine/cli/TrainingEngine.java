package io.jmachine.cli;

import io.jmachine.provisioner.engine.ServerTls;
import io.jmachine.provisioner.tls.CertificateAuthority;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A stand-in engine for {@link StartupTraining}: mutual TLS on a loopback port with a server certificate from the
 * training store's CA, answering every request with a `/version` body. `ls` and `status` then go through a real
 * handshake, so the start-up cache holds the TLS and elliptic-curve classes that every `ls` of real machines needs.
 */
final class TrainingEngine implements AutoCloseable {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 24\r\n"
            + "Connection: close\r\n\r\n{\"Version\":\"training-1\"}").getBytes(StandardCharsets.US_ASCII);

    private final SSLServerSocket server;
    private final Thread acceptor;

    private TrainingEngine(SSLServerSocket server) {
        this.server = server;
        this.acceptor = Thread.ofVirtual().name("training-engine").start(this::serve);
    }

    /** Bootstraps the CA in {@code certsDir} (as the first create would) and listens on 127.0.0.1. */
    static TrainingEngine start(Path certsDir) throws IOException {
        CertificateAuthority ca = new CertificateAuthority(certsDir, "jmachine-training", Clock.systemUTC());
        ca.bootstrap();
        Path cert = certsDir.resolve("training-server.pem");
        Path key = certsDir.resolve("training-server-key.pem");
        ca.issueServerCertificate("training", List.of("127.0.0.1"), cert, key);
        return new TrainingEngine(ServerTls.listenOnLoopback(ca.caCert(), cert, key, 50));
    }

    /** The URL machines point at, as DOCKER_HOST. */
    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                Thread.ofVirtual().start(() -> answer(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void answer(SSLSocket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            // read up to the end of the request head; the request itself does not matter
            int matched = 0;
            for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            out.write(RESPONSE);
            out.flush();
        } catch (IOException e) {
            // a client that went away: nothing to train on there
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
