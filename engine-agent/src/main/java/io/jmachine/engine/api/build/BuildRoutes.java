package io.jmachine.engine.api.build;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ApiRequest;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.build.BuildOutput;
import io.jmachine.engine.build.BuildRequest;
import io.jmachine.engine.build.ImageBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** {@code POST /build}: the legacy builder's endpoint, which the docker CLI uses without buildx. */
public final class BuildRoutes {

    private final ImageBuilder builder;

    public BuildRoutes(ImageBuilder builder) {
        this.builder = builder;
    }

    public void register(Router router) {
        router.post("/build", this::build);
    }

    private void build(ApiExchange exchange) throws IOException {
        ApiRequest request = exchange.request();
        String remote = request.queryParam("remote");
        if (remote != null && !remote.isEmpty() && !remote.equals("-")) {
            throw ApiException.badRequest("building from a remote context (" + remote + ") is not supported: this engine fetches "
                    + "nothing from the network; send the context as a tar");
        }
        BuildRequest build = new BuildRequest(request.queryParams("t"), request.queryParam("dockerfile"),
                jsonMap(exchange, "buildargs"), jsonMap(exchange, "labels"), request.queryParam("target"),
                request.queryFlag("nocache"), request.queryFlag("q"), rm(request));
        ImageBuilder.Prepared prepared;
        try (InputStream body = request.body().stream()) {
            prepared = builder.prepare(build, body);
        }
        try (prepared) {
            ResponseStream stream = exchange.startStream(200, "application/json");
            builder.build(prepared, new BuildOutput(stream::writeJsonLine, build.quiet()));
            stream.close();
        }
    }

    /** rm defaults to true, as in dockerd; only an explicit rm=0/false keeps intermediate containers. */
    private static boolean rm(ApiRequest request) {
        String rm = request.queryParam("rm");
        return rm == null || rm.isEmpty() || request.queryFlag("rm");
    }

    private static Map<String, String> jsonMap(ApiExchange exchange, String param) {
        String text = exchange.request().queryParam(param);
        if (text == null || text.isEmpty()) {
            return Map.of();
        }
        try {
            return exchange.jsonMapper().readValue(text, new TypeReference<java.util.LinkedHashMap<String, String>>() { });
        } catch (IOException e) {
            throw ApiException.badRequest("invalid " + param + " JSON: " + e.getMessage());
        }
    }
}
