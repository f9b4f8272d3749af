package io.jmachine.engine.api.images;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.registry.ProgressWriter;
import io.jmachine.engine.registry.RegistryCredentials;
import io.jmachine.engine.registry.RegistryService;

import java.io.IOException;
import java.util.Map;

/**
 * The registry endpoints: pull (POST /images/create?fromImage=, called from {@link ImageRoutes}), push, /auth and
 * /distribution.
 * A pull or push answers failures found before its first line as plain API errors, later ones as the stream's
 * error line, as dockerd does.
 */
public final class RegistryRoutes {

    private static final String AUTH_HEADER = "X-Registry-Auth";

    private final RegistryService registry;

    public RegistryRoutes(RegistryService registry) {
        this.registry = registry;
    }

    public void register(Router router) {
        router.post("/images/{name...}/push", this::push);
        router.post("/auth", this::login);
        router.get("/distribution/{name...}/json", this::distribution);
    }

    /** GET /distribution/{name}/json: the registry's descriptor and platforms for the name (docker-py's inspect_distribution). */
    private void distribution(ApiExchange exchange) throws IOException {
        exchange.json(200, registry.inspectDistribution(exchange.request().pathParam("name"), credentials(exchange)));
    }

    /** POST /images/create?fromImage=NAME[&tag=TAG][&platform=P]. */
    void pull(ApiExchange exchange) throws IOException {
        var request = exchange.request();
        RegistryService.PreparedPull pull = registry.preparePull(request.queryParam("fromImage"), request.queryParam("tag"),
                request.queryParam("platform"), credentials(exchange));
        stream(exchange, progress -> registry.pull(pull, progress));
    }

    private void push(ApiExchange exchange) throws IOException {
        var request = exchange.request();
        RegistryService.PreparedPush push = registry.preparePush(request.pathParam("name"), request.queryParam("tag"), credentials(exchange));
        stream(exchange, progress -> registry.push(push, progress));
    }

    private void login(ApiExchange exchange) throws IOException {
        JsonNode body = exchange.readJson(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw EngineException.invalid("the body must be an auth config: {\"username\":…,\"password\":…,\"serveraddress\":…}");
        }
        registry.login(RegistryCredentials.fromJson(body), body.path("serveraddress").asText(""));
        exchange.json(200, Map.of("Status", "Login Succeeded", "IdentityToken", ""));
    }

    private RegistryCredentials credentials(ApiExchange exchange) {
        return RegistryCredentials.fromHeader(exchange.request().headers().get(AUTH_HEADER), exchange.jsonMapper());
    }

    private interface Transfer {
        void run(ProgressWriter progress) throws IOException;
    }

    private static void stream(ApiExchange exchange, Transfer transfer) {
        ResponseStream stream = exchange.startStream(200, "application/json");
        ProgressWriter progress = new ProgressWriter(stream::writeJsonLine);
        try {
            transfer.run(progress);
        } catch (IOException | RuntimeException e) {
            try {
                progress.error(e.getMessage() == null ? e.toString() : e.getMessage());
            } catch (IOException clientGone) {
                stream.abort();
                return;
            }
        }
        stream.close();
    }
}
