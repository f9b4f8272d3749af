package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/** Makes the clients of one pull, push or login: one HTTP client for the engine, an authenticator per operation. */
final class RegistryConnections {

    private final HttpClient http;
    private final ObjectMapper json;
    private final RegistryHosts hosts;

    RegistryConnections(RegistryHosts hosts, ObjectMapper json) {
        this.hosts = hosts;
        this.json = json;
        // HTTP/1.1: plain-HTTP registries would otherwise be asked to upgrade to h2c on every request
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    RegistryHosts hosts() {
        return hosts;
    }

    ObjectMapper json() {
        return json;
    }

    /** A client for {@code repository} at {@code base}, asking tokens for {@code scopes}. */
    RegistryClient client(URI base, String repository, RegistryCredentials credentials, List<String> scopes) {
        return new RegistryClient(http, json, base, repository, new RegistryAuthenticator(http, json, credentials, scopes));
    }
}
