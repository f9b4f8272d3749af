package io.jmachine.engine.api.images;

import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.Filters;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageFilters;
import io.jmachine.engine.image.ImageSaver;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageUsage;
import io.jmachine.engine.image.ImageViews;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** The /images endpoints: import and pull, list, inspect, history, tag, remove, save, load, prune. */
public final class ImageRoutes {

    private static final String JSON = "application/json";

    private final ImageService images;
    private final ImageViews views;
    private final ImageUsage usage;
    private final RegistryRoutes registry;

    public ImageRoutes(ImageService images, ImageUsage usage, RegistryRoutes registry) {
        this.images = images;
        this.views = new ImageViews(images);
        this.usage = usage;
        this.registry = registry;
    }

    public void register(Router router) {
        // fixed paths first: {name...} would otherwise take "json", "get"…
        router.get("/images/json", this::list);
        router.get("/images/get", this::saveMany);
        router.post("/images/create", this::create);
        router.post("/images/load", this::load);
        router.post("/images/prune", this::prune);
        router.get("/images/{name...}/json", this::inspect);
        router.get("/images/{name...}/history", this::history);
        router.get("/images/{name...}/get", this::saveOne);
        router.post("/images/{name...}/tag", this::tag);
        router.delete("/images/{name...}", this::remove);
    }

    private void create(ApiExchange exchange) throws IOException {
        var request = exchange.request();
        String fromSrc = request.queryParam("fromSrc");
        String fromImage = request.queryParam("fromImage");
        if (fromSrc != null && !fromSrc.isEmpty()) {
            if (!fromSrc.equals("-")) {
                throw ApiException.badRequest("importing from " + fromSrc + " is not supported: this engine fetches nothing from "
                        + "the network; pass a local file (docker import FILE) or a stream (-)");
            }
            Image image;
            try (InputStream body = request.body().stream()) {
                image = images.importImage(body, request.queryParam("repo"), request.queryParam("tag"),
                        request.queryParams("changes"), request.queryParam("message"));
            }
            exchange.text(200, JSON, jsonLine(Map.of("status", image.id().toString())));
            return;
        }
        if (fromImage == null || fromImage.isEmpty()) {
            throw ApiException.badRequest("either fromSrc or fromImage must be given");
        }
        registry.pull(exchange);
    }

    private void list(ApiExchange exchange) {
        var request = exchange.request();
        ImageFilters filters = ImageFilters.forList(Filters.parse(request.queryParam("filters"), exchange.jsonMapper()));
        exchange.json(200, views.list(request.queryFlag("all"), filters));
    }

    private void inspect(ApiExchange exchange) {
        exchange.json(200, views.inspect(exchange.request().pathParam("name")));
    }

    private void history(ApiExchange exchange) {
        exchange.json(200, views.history(exchange.request().pathParam("name")));
    }

    private void tag(ApiExchange exchange) throws IOException {
        var request = exchange.request();
        images.tag(request.pathParam("name"), request.queryParam("repo"), request.queryParam("tag"));
        exchange.empty(201);
    }

    private void remove(ApiExchange exchange) throws IOException {
        var request = exchange.request();
        exchange.json(200, images.remove(request.pathParam("name"), request.queryFlag("force"), !request.queryFlag("noprune"), usage));
    }

    private void prune(ApiExchange exchange) throws IOException {
        ImageFilters filters = ImageFilters.forPrune(Filters.parse(exchange.request().queryParam("filters"), exchange.jsonMapper()));
        exchange.json(200, images.prune(filters, usage));
    }

    private void saveOne(ApiExchange exchange) throws IOException {
        save(exchange, List.of(exchange.request().pathParam("name")));
    }

    private void saveMany(ApiExchange exchange) throws IOException {
        save(exchange, exchange.request().queryParams("names"));
    }

    private void save(ApiExchange exchange, List<String> names) throws IOException {
        ImageSaver.Plan plan = images.planSave(names); // a missing image is a 404 before any byte of tar
        ResponseStream body = exchange.startStream(200, "application/x-tar");
        try {
            images.save(plan, body.asOutputStream());
            body.close();
        } catch (IOException | RuntimeException e) {
            body.abort();
            throw e;
        }
    }

    private void load(ApiExchange exchange) throws IOException {
        List<String> loaded;
        try (InputStream body = exchange.request().body().stream()) {
            loaded = images.load(body);
        }
        StringBuilder lines = new StringBuilder();
        for (String line : loaded) {
            lines.append(jsonLine(Map.of("stream", line + "\n")));
        }
        exchange.text(200, JSON, lines.toString());
    }

    private static String jsonLine(Map<String, String> message) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(message) + "\r\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
