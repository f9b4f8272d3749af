package io.jmachine.provisioner.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.PortForwarding;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Asks an engine over mutual TLS what any docker client asks first: `/_ping` and `/version`. jmachine uses it
 * to tell that a provisioned engine answers, and for the ENGINE and ERRORS columns of `ls`.
 */
public final class EngineClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI engineUrl;
    private final SSLContext tls;
    private final Supplier<HttpClient> http;

    /**
     * @param engineUrl {@code tcp://HOST:PORT}, as DOCKER_HOST
     * @param tls       set up with the machine's TLS files (see {@link EngineConnections})
     * @param http      a client over {@code tls}, made on first need
     */
    EngineClient(URI engineUrl, SSLContext tls, Supplier<HttpClient> http) {
        if (!"tcp".equals(engineUrl.getScheme())) {
            throw new IllegalArgumentException("engine URLs are tcp://HOST:PORT, got " + engineUrl);
        }
        this.engineUrl = engineUrl;
        this.tls = tls;
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
        // on a socket of its own, not through HttpClient: `ls` asks this of every machine and nothing else (see EngineGet)
        EngineGet.Response response = EngineGet.get(tls, engineUrl, "/version", timeout);
        if (response.status() != 200) {
            throw new IOException("the engine at " + engineUrl + " answered /version with " + response.status());
        }
        JsonNode version = JSON.readTree(response.body());
        return version.path("Version").asText("unknown");
    }

    /** The ports the running containers publish ({@code /containers/json}'s Ports with a public port). */
    public List<PortForwarding.Published> publishedPorts(Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/containers/json", timeout);
        if (response.statusCode() != 200) {
            throw new IOException("the engine at " + engineUrl + " answered /containers/json with " + response.statusCode());
        }
        List<PortForwarding.Published> ports = new ArrayList<>();
        for (JsonNode container : JSON.readTree(response.body())) {
            for (JsonNode port : container.path("Ports")) {
                if (port.path("PublicPort").asInt(0) > 0) {
                    ports.add(new PortForwarding.Published(port.path("Type").asText("tcp"), port.path("IP").asText(""),
                            port.path("PublicPort").asInt()));
                }
            }
        }
        return ports;
    }

    /**
     * Follows the engine's container events ({@code /events}), calling {@code onEvent} for each, until the stream ends
     * (the engine stopped) or fails; {@code onConnected} runs once the engine answered, before any event.
     */
    public void followContainerEvents(Duration connectTimeout, Runnable onConnected, Runnable onEvent) throws IOException, InterruptedException {
        String filters = java.net.URLEncoder.encode("{\"type\":[\"container\"]}", java.nio.charset.StandardCharsets.UTF_8);
        URI uri = URI.create("https://" + engineUrl.getRawAuthority() + "/events?filters=" + filters);
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> pending =
                http.get().sendAsync(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            // the headers come at once; the body never ends while the engine runs, so no request timeout
            response = pending.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new IOException("the engine at " + engineUrl + " did not answer /events within " + connectTimeout.toSeconds() + " s");
        }
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("the engine at " + engineUrl + " answered /events with " + response.statusCode());
            }
            onConnected.run();
            lines.forEach(line -> {
                if (!line.isBlank()) {
                    onEvent.run();
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
        URI uri = URI.create("https://" + engineUrl.getRawAuthority() + path);
        // the request timeout bounds the connect too, so one shared client serves callers with different timeouts
        return http.get().send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
