package io.jmachine.engine.api.build;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ApiRequest;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.build.BuildOutput;
import io.jmachine.engine.build.BuildRequest;
import io.jmachine.engine.build.ImageBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** {@code POST /build}: the legacy builder's endpoint, which the docker CLI uses without buildx. */
public final class BuildRoutes {

    private final ImageBuilder builder;

    public BuildRoutes(ImageBuilder builder) {
        this.builder = builder;
    }

    /** The filters dockerd 20.10's build cache prune takes (builder-next cacheFields, until and its old name). */
    private static final List<String> PRUNE_FILTERS = List.of("until", "unused-for", "id", "parent", "type", "description", "inuse",
            "shared", "private");

    public void register(Router router) {
        router.post("/build", this::build);
        router.post("/build/prune", this::prune);
    }

    /**
     * POST /build/prune as dockerd answers it: {"CachesDeleted": [...] or null, "SpaceReclaimed": n}. A filter this
     * cache has no such property for (parent, type, inuse…) matches no entry.
     */
    private void prune(ApiExchange exchange) {
        ApiRequest request = exchange.request();
        Filters filters;
        try {
            filters = Filters.parse(request.queryParam("filters"), exchange.jsonMapper());
        } catch (EngineException e) {
            throw EngineException.internal("could not parse filters: " + e.getMessage());
        }
        for (String key : filters.values().keySet()) {
            if (!PRUNE_FILTERS.contains(key)) {
                throw EngineException.invalid("failed to prune build cache: Invalid filter '" + key + "'");
            }
        }
        String keepStorage = request.queryParam("keep-storage");
        if (keepStorage != null && !keepStorage.isEmpty() && !keepStorage.matches("-?[0-9]+")) {
            throw EngineException.internal("keep-storage is in bytes and expects an integer, got " + keepStorage);
        }
        List<String> until = new java.util.ArrayList<>(filters.get("until"));
        until.addAll(filters.get("unused-for"));
        if (until.size() > 1 || filters.get("id").size() > 1) {
            throw EngineException.invalid("filters expect only one value");
        }
        boolean unknownProperty = filters.values().keySet().stream().anyMatch(key -> !List.of("until", "unused-for", "id").contains(key));
        ImageBuilder.CachePruneReport report = unknownProperty ? new ImageBuilder.CachePruneReport(List.of(), 0)
                : builder.pruneCache(until.isEmpty() ? null : duration(until.getFirst()), filters.get("id").isEmpty() ? null
                : filters.get("id").getFirst());
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("CachesDeleted", report.cachesDeleted().isEmpty() ? null : report.cachesDeleted());
        body.put("SpaceReclaimed", report.spaceReclaimed());
        exchange.json(200, body);
    }

    private static java.time.Duration duration(String text) {
        try {
            return io.jmachine.engine.time.GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("\"until\" filter expects a duration (e.g., '24h'): " + e.getMessage());
        }
    }

    private void build(ApiExchange exchange) throws IOException {
        ApiRequest request = exchange.request();
        String remote = request.queryParam("remote");
        if (remote != null && !remote.isEmpty() && !remote.equals("-")) {
            throw EngineException.invalid("building from a remote context (" + remote + ") is not supported: this engine fetches "
                    + "nothing from the network; send the context as a tar");
        }
        BuildRequest build = new BuildRequest(request.queryParams("t"), request.queryParam("dockerfile"),
                jsonMap(exchange, "buildargs"), jsonMap(exchange, "labels"), request.queryParam("target"),
                request.queryFlag("nocache"), request.queryFlag("q"), rm(request), request.queryParams("extrahosts"),
                jsonList(exchange, "cachefrom"), request.queryParam("networkmode"));
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

    /** A JSON array of strings (cachefrom), as dockerd reads it. */
    private static List<String> jsonList(ApiExchange exchange, String param) {
        String text = exchange.request().queryParam(param);
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        try {
            return exchange.jsonMapper().readValue(text, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw EngineException.invalid("invalid " + param + " JSON: " + e.getMessage());
        }
    }

    private static Map<String, String> jsonMap(ApiExchange exchange, String param) {
        String text = exchange.request().queryParam(param);
        if (text == null || text.isEmpty()) {
            return Map.of();
        }
        try {
            return exchange.jsonMapper().readValue(text, new TypeReference<java.util.LinkedHashMap<String, String>>() { });
        } catch (IOException e) {
            throw EngineException.invalid("invalid " + param + " JSON: " + e.getMessage());
        }
    }
}
