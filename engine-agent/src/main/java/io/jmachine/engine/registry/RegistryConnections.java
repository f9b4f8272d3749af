package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/** Makes the clients of one pull, push or login: one HTTP client for the engine, an authenticator per operation. */
final class RegistryConnections {

    private HttpClient http;
    private final ObjectMapper json;
    private final RegistryHosts hosts;

    RegistryConnections(RegistryHosts hosts, ObjectMapper json) {
        this.hosts = hosts;
        this.json = json;
    }

    /**
     * Made at the first pull, push or login, not at start: an engine that never meets a registry does without the
     * client's selector thread and the java.net.http classes at idle.
     */
    private synchronized HttpClient http() {
        if (http == null) {
            // HTTP/1.1: plain-HTTP registries would otherwise be asked to upgrade to h2c on every request
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return http;
    }

    RegistryHosts hosts() {
        return hosts;
    }

    ObjectMapper json() {
        return json;
    }

    /** A client for {@code repository} at {@code base}, asking tokens for {@code scopes}. */
    RegistryClient client(URI base, String repository, RegistryCredentials credentials, List<String> scopes) {
        HttpClient client = http();
        return new RegistryClient(client, json, base, repository, new RegistryAuthenticator(client, json, credentials, scopes));
    }
}
