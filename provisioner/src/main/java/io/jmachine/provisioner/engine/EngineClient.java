package io.jmachine.provisioner.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks an engine over mutual TLS what any docker client asks first: `/_ping` and `/version`. jmachine uses it
 * to tell that a provisioned engine answers, and for the ENGINE and ERRORS columns of `ls`.
 */
public final class EngineClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI engineUrl;
    private final HttpClient http;

    /**
     * @param engineUrl {@code tcp://HOST:PORT}, as DOCKER_HOST
     * @param http      a client set up with the machine's TLS files (see {@link EngineConnections})
     */
    EngineClient(URI engineUrl, HttpClient http) {
        if (!"tcp".equals(engineUrl.getScheme())) {
            throw new IllegalArgumentException("engine URLs are tcp://HOST:PORT, got " + engineUrl);
        }
        this.engineUrl = engineUrl;
        this.http = http;
    }

    /** Returns when the engine answers `/_ping` with OK within the timeout; throws with the cause otherwise. */
    public void ping(Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/_ping", timeout);
        if (response.statusCode() != 200 || !"OK".equals(response.body().trim())) {
            throw new IOException("the engine at " + engineUrl + " answered /_ping with " + response.statusCode() + " " + response.body());
        }
    }

    /** The engine's version (`/version`'s Version). */
    public String version(Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/version", timeout);
        if (response.statusCode() != 200) {
            throw new IOException("the engine at " + engineUrl + " answered /version with " + response.statusCode());
        }
        JsonNode version = JSON.readTree(response.body());
        return version.path("Version").asText("unknown");
    }

    private HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
        URI uri = URI.create("https://" + engineUrl.getRawAuthority() + path);
        // the request timeout bounds the connect too, so one shared client serves callers with different timeouts
        return http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
