package io.jmachine.engine.api.volumes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.volume.Volume;
import io.jmachine.engine.volume.VolumeFilters;
import io.jmachine.engine.volume.VolumeService;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The /volumes endpoints: create, list, inspect, remove, prune, with Docker's JSON. */
public final class VolumeRoutes {

    /** The body of POST /volumes/create (the CLI's docker volume create). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CreateBody(@JsonProperty("Name") String name, @JsonProperty("Driver") String driver,
                      @JsonProperty("DriverOpts") Map<String, String> driverOpts, @JsonProperty("Labels") Map<String, String> labels) {}

    private final VolumeService volumes;

    public VolumeRoutes(VolumeService volumes) {
        this.volumes = volumes;
    }

    public void register(Router router) {
        router.get("/volumes", this::list);
        router.post("/volumes/create", this::create);
        router.post("/volumes/prune", this::prune);
        router.get("/volumes/{name}", ex -> ex.json(200, view(volumes.get(ex.request().pathParam("name")))));
        router.delete("/volumes/{name}", ex -> {
            volumes.remove(ex.request().pathParam("name"), ex.request().queryFlag("force"));
            ex.empty(204);
        });
    }

    private void list(ApiExchange exchange) {
        VolumeFilters filters = VolumeFilters.forList(Filters.parse(exchange.request().queryParam("filters"), exchange.jsonMapper()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Volumes", volumes.list(filters).stream().map(VolumeRoutes::view).toList());
        body.put("Warnings", null);
        exchange.json(200, body);
    }

    private void create(ApiExchange exchange) {
        CreateBody body = exchange.readJson(CreateBody.class);
        if (body == null) {
            body = new CreateBody(null, null, null, null);
        }
        exchange.json(201, view(volumes.create(body.name(), body.driver(), body.labels(), body.driverOpts())));
    }

    private void prune(ApiExchange exchange) {
        VolumeFilters filters = VolumeFilters.forPrune(Filters.parse(exchange.request().queryParam("filters"), exchange.jsonMapper()));
        VolumeService.PruneReport report = volumes.prune(filters);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("VolumesDeleted", report.deleted());
        body.put("SpaceReclaimed", report.spaceReclaimed());
        exchange.json(200, body);
    }

    /** Docker's volume.Volume; empty labels and options are null, as dockerd sends them. */
    public static Map<String, Object> view(Volume volume) {
        Map<String, Object> view = new HashMap<>();
        view.put("CreatedAt", DateTimeFormatter.ISO_INSTANT.format(volume.createdAt().truncatedTo(ChronoUnit.SECONDS)));
        view.put("Driver", volume.driver());
        view.put("Labels", volume.labels().isEmpty() ? null : volume.labels());
        view.put("Mountpoint", volume.mountpoint().toString());
        view.put("Name", volume.name());
        view.put("Options", volume.options().isEmpty() ? null : volume.options());
        view.put("Scope", "local");
        return new java.util.TreeMap<>(view);
    }
}
