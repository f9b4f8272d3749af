package io.jmachine.provisioner.engine;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clients for engines: one TLS set-up (and HttpClient) per distinct set of client TLS files. Every machine of a store holds copies of the
 * same CA and client certificate, so `ls` over ten machines sets up TLS once, not ten times: in a
 * short-lived CLI that setup, not the network, is most of the wall time.
 */
public final class EngineConnections {

    /** One set of credentials: its TLS context, and the HttpClient over it, made on first need (`ls` has none). */
    private static final class Connection {
        final SSLContext tls;
        private HttpClient http;

        Connection(SSLContext tls) {
            this.tls = tls;
        }

        synchronized HttpClient http() {
            if (http == null) {
                http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
            }
            return http;
        }
    }

    private final Map<String, Connection> byCredentials = new ConcurrentHashMap<>();

    /** A client for the engine at {@code engineUrl} ({@code tcp://HOST:PORT}) authenticated with {@code tls}. */
    public EngineClient client(URI engineUrl, ClientTls tls) throws IOException {
        String credentials = read(tls);
        try {
            // computeIfAbsent makes the parallel callers of `ls` wait for one setup rather than each doing its own
            Connection connection = byCredentials.computeIfAbsent(credentials, key -> new Connection(sslContext(tls)));
            return new EngineClient(engineUrl, connection.tls, connection::http);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Starts setting up TLS with {@code tls} on a thread of its own, while the caller reads its machines' configs; a
     * client of the same files then finds it made, or waits for it. Files that are missing or do not go together are
     * left for that client to report.
     */
    public Thread prepare(ClientTls tls) {
        return Thread.ofPlatform().daemon().name("tls-prepare").start(() -> {
            try {
                byCredentials.computeIfAbsent(read(tls), key -> new Connection(sslContext(tls)));
            } catch (IOException | RuntimeException e) {
                // nothing made: the client's own set-up tries again and says what failed
            }
        });
    }

    /** How many TLS set-ups there are (for tests). */
    int setUps() {
        return byCredentials.size();
    }

    private static SSLContext sslContext(ClientTls tls) {
        try {
            return tls.sslContext();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // the files' content is the key: after `regenerate-certs --client-certs` the same paths hold other credentials
    private static String read(ClientTls tls) throws IOException {
        return Files.readString(tls.caCert(), StandardCharsets.ISO_8859_1) + '\0'
                + Files.readString(tls.clientCert(), StandardCharsets.ISO_8859_1) + '\0'
                + Files.readString(tls.clientKey(), StandardCharsets.ISO_8859_1);
    }
}
