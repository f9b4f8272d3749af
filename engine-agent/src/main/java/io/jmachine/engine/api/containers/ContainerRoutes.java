package io.jmachine.engine.api.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.api.ApiException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ApiRequest;
import io.jmachine.engine.api.Filters;
import io.jmachine.engine.api.HijackedStream;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerConfig;
import io.jmachine.engine.container.ContainerProcesses;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.container.HostConfig;
import io.jmachine.engine.ports.PortPublisher;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /containers/…: create, list, inspect, the lifecycle verbs, wait, attach, logs, resize, prune. */
public final class ContainerRoutes {

    private final ContainerService service;
    private final Clock clock;
    private final java.util.function.Function<ContainerRecord, Map<String, Long>> sizes;
    private final PortPublisher ports;

    /**
     * @param sizes SizeRw and SizeRootFs of a container, for `docker ps -s`
     * @param ports the host ports containers have open, for inspect and ps
     */
    public ContainerRoutes(ContainerService service, Clock clock, java.util.function.Function<ContainerRecord, Map<String, Long>> sizes,
                           PortPublisher ports) {
        this.service = service;
        this.clock = clock;
        this.sizes = sizes;
        this.ports = ports;
    }

    public void register(Router router) {
        router.post("/containers/create", this::create);
        router.get("/containers/json", this::list);
        router.get("/containers/{id}/json", this::inspect);
        router.post("/containers/{id}/start", ex -> {
            service.runner().start(id(ex));
            ex.empty(204);
        });
        router.post("/containers/{id}/stop", ex -> {
            service.runner().stop(id(ex), intParam(ex.request(), "t"), ex.request().queryParam("signal"));
            ex.empty(204);
        });
        router.post("/containers/{id}/restart", ex -> {
            service.runner().restart(id(ex), intParam(ex.request(), "t"), ex.request().queryParam("signal"));
            ex.empty(204);
        });
        router.post("/containers/{id}/kill", ex -> {
            service.runner().kill(id(ex), ex.request().queryParam("signal"));
            ex.empty(204);
        });
        router.post("/containers/{id}/pause", ex -> {
            service.runner().pause(id(ex));
            ex.empty(204);
        });
        router.post("/containers/{id}/unpause", ex -> {
            service.runner().unpause(id(ex));
            ex.empty(204);
        });
        router.post("/containers/{id}/rename", ex -> {
            String name = ex.request().queryParam("name");
            if (name == null || name.isEmpty()) {
                throw ApiException.badRequest("Neither old nor new names may be empty");
            }
            service.rename(id(ex), name);
            ex.empty(204);
        });
        router.delete("/containers/{id}", ex -> {
            service.remove(id(ex), ex.request().queryFlag("force"), ex.request().queryFlag("v"));
            ex.empty(204);
        });
        router.post("/containers/{id}/wait", this::await);
        router.post("/containers/{id}/attach", this::attach);
        router.get("/containers/{id}/logs", this::logs);
        router.post("/containers/{id}/resize", ex -> {
            ContainerRecord record = service.inspect(id(ex));
            if (!record.state().running()) {
                throw ApiException.conflict("Container " + record.id() + " is not running");
            }
            service.processes().resize(record.id(), intParam(ex.request(), "h"), intParam(ex.request(), "w"));
            ex.empty(200);
        });
        router.post("/containers/prune", ex -> {
            List<String> removed = service.prune(ContainerFilters.PRUNE.check(Filters.parse(ex.request().queryParam("filters"), ex.jsonMapper())));
            ex.json(200, Map.of("ContainersDeleted", removed, "SpaceReclaimed", 0));
        });
    }

    private static String id(ApiExchange ex) {
        return ex.request().pathParam("id");
    }

    private static Integer intParam(ApiRequest request, String name) {
        String value = request.queryParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid value for " + name + ": " + value);
        }
    }

    private void create(ApiExchange ex) throws IOException {
        ObjectMapper json = ex.jsonMapper();
        JsonNode body = ex.readJson(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("config cannot be empty in order to create a container");
        }
        ContainerConfig config;
        HostConfig hostConfig;
        try {
            config = json.treeToValue(body, ContainerConfig.class);
            hostConfig = body.hasNonNull("HostConfig") ? json.treeToValue(body.get("HostConfig"), HostConfig.class) : null;
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining("."));
            // Jackson's hints about its own coercion settings mean nothing to an API client
            String why = e.getOriginalMessage().replaceFirst(" \\(but (could|might) if coercion .*\\)$", "");
            throw ApiException.badRequest("invalid JSON" + (where.isEmpty() ? "" : " at " + where) + ": " + why);
        }
        ContainerRecord record = service.create(new ContainerService.CreateRequest(ex.request().queryParam("name"), config, hostConfig,
                endpointAliases(body.path("NetworkingConfig").path("EndpointsConfig"))));
        ex.json(201, Map.of("Id", record.id(), "Warnings", List.of()));
    }

    /** NetworkingConfig.EndpointsConfig: each network the container joins, with its Aliases there. */
    private static Map<String, List<String>> endpointAliases(JsonNode endpoints) {
        Map<String, List<String>> networks = new LinkedHashMap<>();
        endpoints.fields().forEachRemaining(field -> {
            List<String> aliases = new ArrayList<>();
            field.getValue().path("Aliases").forEach(alias -> aliases.add(alias.asText()));
            networks.put(field.getKey(), aliases);
        });
        return networks;
    }

    private void list(ApiExchange ex) {
        Filters given = Filters.parse(ex.request().queryParam("filters"), ex.jsonMapper());
        ContainerFilters filters = ContainerFilters.forList(given, service::inspect);
        boolean all = ex.request().queryFlag("all") || given.has("status") || given.has("exited");
        Integer limit = intParam(ex.request(), "limit");
        List<Map<String, Object>> out = new ArrayList<>();
        for (ContainerRecord record : service.list(all)) {
            Map<String, Object> summary = ContainerViews.summary(record, clock.instant(), ports.published(record.id()));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> summaryPorts = (List<Map<String, Object>>) summary.get("Ports");
            if (!filters.matches(record, summaryPorts)) {
                continue;
            }
            if (ex.request().queryFlag("size")) {
                summary.putAll(sizes.apply(record));
            }
            out.add(summary);
            if (limit != null && limit > 0 && out.size() >= limit) {
                break;
            }
        }
        ex.json(200, out);
    }

    private void inspect(ApiExchange ex) {
        ContainerRecord record = service.inspect(id(ex));
        ex.json(200, ContainerViews.inspect(record, service.store().folder(record.id()), ports.published(record.id())));
    }

    /** Headers at once (the CLI starts the container only after them), the exit code when it comes. */
    private void await(ApiExchange ex) {
        var exit = service.waitFor(id(ex), ex.request().queryParam("condition"));
        ResponseStream stream = ex.startStream(200, "application/json");
        exit.whenComplete((code, failure) -> {
            try {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("StatusCode", code == null ? -1 : code);
                body.put("Error", failure == null ? null : Map.of("Message", failure.getMessage()));
                stream.writeJsonLine(body);
            } catch (IOException e) {
                // the client went away
            } finally {
                stream.close();
            }
        });
        stream.onClose(() -> exit.cancel(false));
    }

    private void attach(ApiExchange ex) throws Exception {
        ApiRequest request = ex.request();
        ContainerRecord record = service.inspect(id(ex));
        boolean tty = record.config().tty();
        boolean wantStdin = request.queryFlag("stdin");
        boolean wantStdout = request.queryFlag("stdout");
        boolean wantStderr = request.queryFlag("stderr");
        DetachKeys detachKeys = DetachKeys.parse(request.queryParam("detachKeys"));
        HijackedStream client = ex.hijack(!tty);
        if (request.queryFlag("logs")) {
            LogStreaming.replay(service.processes().logs(record.id()), client, tty, wantStdout, wantStderr);
        }
        if (!request.queryFlag("stream")) {
            client.close();
            return;
        }
        AttachSession session = new AttachSession(client, wantStdin && record.config().openStdin(), wantStdout, wantStderr,
                record.config().stdinOnce(), detachKeys);
        client.onClose(() -> service.attachHub().unregister(record.id(), session));
        service.attachHub().register(record.id(), session);
    }

    private void logs(ApiExchange ex) throws Exception {
        ApiRequest request = ex.request();
        ContainerRecord record = service.inspect(id(ex));
        boolean stdout = request.queryFlag("stdout");
        boolean stderr = request.queryFlag("stderr");
        if (!stdout && !stderr) {
            throw ApiException.badRequest("Bad parameters: you must choose at least one stream");
        }
        boolean tty = record.config().tty();
        String contentType = !tty && request.version().atLeast(1, 42) ? HijackedStream.MULTIPLEXED : HijackedStream.RAW;
        ContainerProcesses.LogSource source = service.processes().logs(record.id());
        try (ResponseStream out = ex.startStream(200, contentType)) {
            LogStreaming.stream(source, out, new LogStreaming.Options(tty, stdout, stderr, request.queryFlag("timestamps"),
                    LogStreaming.tail(request.queryParam("tail")), LogStreaming.time(request.queryParam("since")),
                    LogStreaming.time(request.queryParam("until")),
                    request.queryFlag("follow") && service.inspect(record.id()).state().isAlive()));
        }
    }
}
