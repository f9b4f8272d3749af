package io.jmachine.provisioner.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP clients for engines, one per distinct set of client TLS files. Every machine of a store holds copies of the
 * same CA and client certificate, so `ls` over ten machines sets up TLS and an HttpClient once, not ten times: in a
 * short-lived CLI that setup, not the network, is most of the wall time.
 */
public final class EngineConnections {

    private final Map<String, HttpClient> clientsByCredentials = new ConcurrentHashMap<>();

    /** A client for the engine at {@code engineUrl} ({@code tcp://HOST:PORT}) authenticated with {@code tls}. */
    public EngineClient client(URI engineUrl, ClientTls tls) throws IOException {
        String credentials = read(tls);
        try {
            // computeIfAbsent makes the parallel callers of `ls` wait for one setup rather than each doing its own
            HttpClient http = clientsByCredentials.computeIfAbsent(credentials, key -> newClient(tls));
            return new EngineClient(engineUrl, http);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static HttpClient newClient(ClientTls tls) {
        try {
            return HttpClient.newBuilder().sslContext(tls.sslContext()).version(HttpClient.Version.HTTP_1_1).build();
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
