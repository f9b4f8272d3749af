package io.jmachine.provisioner.engine;

import io.jmachine.provisioner.tls.CertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineGetTest {

    @TempDir
    Path dir;

    private static EngineGet.Response read(String answer) throws IOException {
        return EngineGet.read(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBodyIsReadByItsLengthInChunksOrToTheEnd() throws IOException {
        assertEquals(new EngineGet.Response(200, "{\"Version\":\"28.2.2\"}"),
                read("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"Version\":\"28.2.2\"}trailing"));
        assertEquals(new EngineGet.Response(200, "{\"Version\":\"28.2.2\"}"),
                read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"Ver\r\nf;x=y\r\nsion\":\"28.2.2\"}\r\n0\r\n\r\n"));
        assertEquals(new EngineGet.Response(404, "no such"), read("HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nno such"));
    }

    @Test
    void aTruncatedOrForeignAnswerIsAnError() {
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort"));
        assertThrows(IOException.class, () -> read("HTTP/1.1 200 OK\r\nContent-"));
        assertThrows(IOException.class, () -> read("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
    }

    @Test
    void theVersionComesOverMutualTlsFromAServerWhoseCertificateNamesTheHost() throws Exception {
        CertificateAuthority ca = authority();
        try (SSLServerSocket server = engineOnLoopback(ca)) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> serveOnce(server,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "14\r\n{\"Version\":\"28.2.2\"}\r\n0\r\n\r\n"));
            SSLContext client = new ClientTls(ca.caCert(), ca.clientCert(), ca.clientKey()).sslContext();
            EngineClient engine = new EngineClient(URI.create("tcp://127.0.0.1:" + server.getLocalPort()), client, () -> {
                throw new AssertionError("no HttpClient for a version");
            });
            assertEquals("28.2.2", engine.version(Duration.ofSeconds(10)));
            String head = request.get(10, TimeUnit.SECONDS);
            assertTrue(head.startsWith("GET /version HTTP/1.1\r\n"), head);
            assertTrue(head.contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n"), head);
        }
    }

    @Test
    void anEngineWithoutX25519IsAskedAgainWithTheJdksGroups() throws Exception {
        CertificateAuthority ca = authority();
        try (SSLServerSocket server = engineOnLoopback(ca)) {
            javax.net.ssl.SSLParameters parameters = server.getSSLParameters();
            parameters.setNamedGroups(new String[] {"secp256r1"}); // as a server in FIPS mode
            server.setSSLParameters(parameters);
            String answer = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"Version\":\"28.2.2\"}";
            // the first handshake fails on the server's side, the second is answered
            CompletableFuture<String> requests = CompletableFuture.supplyAsync(() -> serveOnce(server, answer) + serveOnce(server, answer));
            SSLContext client = new ClientTls(ca.caCert(), ca.clientCert(), ca.clientKey()).sslContext();
            EngineGet.Response response = EngineGet.get(client, URI.create("tcp://127.0.0.1:" + server.getLocalPort()), "/version",
                    Duration.ofSeconds(10));
            assertEquals(new EngineGet.Response(200, "{\"Version\":\"28.2.2\"}"), response);
            assertTrue(requests.get(10, TimeUnit.SECONDS).startsWith("GET /version HTTP/1.1\r\n"));
        }
    }

    @Test
    void anEngineThatNeverAnswersTimesOutWithHttpClientsWords() throws Exception {
        CertificateAuthority ca = authority();
        SSLContext client = new ClientTls(ca.caCert(), ca.clientCert(), ca.clientKey()).sslContext();
        // a plain listener: the connect succeeds, the TLS handshake never does
        try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            HttpTimeoutException e = assertThrows(HttpConnectTimeoutException.class, () -> EngineGet.get(client,
                    URI.create("tcp://127.0.0.1:" + mute.getLocalPort()), "/version", Duration.ofMillis(300)));
            assertEquals("HTTP connect timed out", e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "bounded by the timeout");
        }
    }

    private CertificateAuthority authority() throws IOException {
        CertificateAuthority ca = new CertificateAuthority(dir.resolve("certs"), "ann", Clock.systemUTC());
        ca.bootstrap();
        return ca;
    }

    /** A stand-in engine with a server certificate from {@code ca} for 127.0.0.1. */
    private SSLServerSocket engineOnLoopback(CertificateAuthority ca) throws IOException {
        Path serverCert = dir.resolve("server.pem");
        Path serverKey = dir.resolve("server-key.pem");
        ca.issueServerCertificate("m1", List.of("127.0.0.1"), serverCert, serverKey);
        return ServerTls.listenOnLoopback(ca.caCert(), serverCert, serverKey, 5);
    }

    /** Answers one request with {@code answer}; returns the request's head, or "" when the handshake failed. */
    private static String serveOnce(SSLServerSocket server, String answer) {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
            try {
                socket.startHandshake();
            } catch (javax.net.ssl.SSLException e) {
                return "";
            }
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                head.append((char) c);
            }
            socket.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return head.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
