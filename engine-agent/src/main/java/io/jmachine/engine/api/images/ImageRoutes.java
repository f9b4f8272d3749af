package io.jmachine.engine.api.images;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.image.DeleteResponse;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageFilters;
import io.jmachine.engine.image.ImageReference;
import io.jmachine.engine.image.ImageSaver;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageUsage;
import io.jmachine.engine.image.ImageViews;
import io.jmachine.engine.image.PruneReport;

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
    private final EventBus events;

    public ImageRoutes(ImageService images, ImageUsage usage, RegistryRoutes registry) {
        this(images, usage, registry, null);
    }

    /** @param events for import, tag, untag and delete; null sends none */
    public ImageRoutes(ImageService images, ImageUsage usage, RegistryRoutes registry, EventBus events) {
        this.events = events;
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
                throw EngineException.invalid("importing from " + fromSrc + " is not supported: this engine fetches nothing from "
                        + "the network; pass a local file (docker import FILE) or a stream (-)");
            }
            Image image;
            try (InputStream body = request.body().stream()) {
                image = images.importImage(body, request.queryParam("repo"), request.queryParam("tag"),
                        request.queryParams("changes"), request.queryParam("message"));
            }
            publish("import", image, image.id().toString());
            for (String reference : images.repoTags(image.id())) {
                publish("tag", image, reference);
            }
            exchange.text(200, JSON, jsonLine(Map.of("status", image.id().toString())));
            return;
        }
        if (fromImage == null || fromImage.isEmpty()) {
            throw EngineException.invalid("either fromSrc or fromImage must be given");
        }
        registry.pull(exchange);
    }

    private void list(ApiExchange exchange) {
        var request = exchange.request();
        ImageFilters filters = ImageFilters.forList(Filters.parse(request.queryParam("filters"), exchange.jsonMapper()));
        exchange.json(200, views.list(request.queryFlag("all"), filters, !request.version().atLeast(1, 44)));
    }

    private void inspect(ApiExchange exchange) {
        exchange.json(200, views.inspect(exchange.request().pathParam("name"), !exchange.request().version().atLeast(1, 44)));
    }

    private void history(ApiExchange exchange) {
        exchange.json(200, views.history(exchange.request().pathParam("name")));
    }

    private void tag(ApiExchange exchange) throws IOException {
        var request = exchange.request();
        images.tag(request.pathParam("name"), request.queryParam("repo"), request.queryParam("tag"));
        Image image = images.resolve(request.pathParam("name"));
        String tag = request.queryParam("tag");
        publish("tag", image, ImageReference.parse(request.queryParam("repo") + ":" + (tag == null || tag.isEmpty() ? "latest" : tag))
                .familiar());
        exchange.empty(201);
    }

    private void remove(ApiExchange exchange) throws IOException {
        var request = exchange.request();
        Image image = images.resolve(request.pathParam("name"));
        List<DeleteResponse> removed = images.remove(request.pathParam("name"), request.queryFlag("force"), !request.queryFlag("noprune"),
                usage);
        publishRemoval(image, removed);
        exchange.json(200, removed);
    }

    private void prune(ApiExchange exchange) throws IOException {
        ImageFilters filters = ImageFilters.forPrune(Filters.parse(exchange.request().queryParam("filters"), exchange.jsonMapper()));
        PruneReport report = images.prune(filters, usage);
        publishRemoval(null, report.imagesDeleted());
        exchange.json(200, report);
    }

    /** dockerd's image events: the image ID as the actor, the reference as name, the image's labels. */
    private void publish(String action, Image image, String name) {
        if (events != null) {
            Map<String, String> attributes = new java.util.HashMap<>(image == null ? Map.of() : image.config().config().labelsOrEmpty());
            attributes.put("name", name);
            events.publish("image", action, image == null ? name : image.id().toString(), attributes);
        }
    }

    private void publishRemoval(Image image, List<DeleteResponse> removed) {
        for (DeleteResponse line : removed) {
            if (line.untagged() != null) {
                publish("untag", image, line.untagged());
            } else if (line.deleted() != null) {
                publish("delete", image != null && image.id().toString().equals(line.deleted()) ? image : null, line.deleted());
            }
        }
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

    /** As dockerd: the answer is a 200 stream, and a load that fails (a garbage archive too) ends it with an error line. */
    private void load(ApiExchange exchange) throws IOException {
        List<String> loaded = null;
        String failure = null;
        try (InputStream body = exchange.request().body().stream()) {
            loaded = images.load(body);
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        ResponseStream stream = exchange.startStream(200, JSON);
        try {
            if (failure != null) {
                new io.jmachine.engine.registry.ProgressWriter(stream::writeJsonLine).error(failure);
            } else {
                for (String line : loaded) {
                    stream.writeJsonLine(Map.of("stream", line + "\n"));
                }
            }
            stream.close();
        } catch (IOException clientGone) {
            stream.abort();
        }
    }

    private static String jsonLine(Map<String, String> message) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(message) + "\r\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
