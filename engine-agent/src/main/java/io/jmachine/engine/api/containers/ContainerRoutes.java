package io.jmachine.engine.api.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ApiRequest;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.api.HijackedStream;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerConfig;
import io.jmachine.engine.container.ContainerFilters;
import io.jmachine.engine.container.ContainerProcesses;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.container.StateChange;
import io.jmachine.engine.container.HostConfig;
import io.jmachine.engine.network.EndpointConfig;
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
    private final java.util.function.Function<ContainerRecord, Map<String, String>> graphDriverData;
    private final java.util.function.Function<String, List<String>> execIds;

    /**
     * @param sizes SizeRw and SizeRootFs of a container, for `docker ps -s`
     * @param ports the host ports containers have open, for inspect and ps
     */
    public ContainerRoutes(ContainerService service, Clock clock, java.util.function.Function<ContainerRecord, Map<String, Long>> sizes,
                           PortPublisher ports) {
        this(service, clock, sizes, ports, record -> Map.of(), id -> null);
    }

    /**
     * @param graphDriverData a container's overlay directories, inspect's GraphDriver.Data
     * @param execIds         a container's execs that have not ended, for inspect's ExecIDs (null when none)
     */
    public ContainerRoutes(ContainerService service, Clock clock, java.util.function.Function<ContainerRecord, Map<String, Long>> sizes,
                           PortPublisher ports, java.util.function.Function<ContainerRecord, Map<String, String>> graphDriverData,
                           java.util.function.Function<String, List<String>> execIds) {
        this.graphDriverData = graphDriverData;
        this.service = service;
        this.clock = clock;
        this.sizes = sizes;
        this.ports = ports;
        this.execIds = execIds;
    }

    public void register(Router router) {
        router.post("/containers/create", this::create);
        router.get("/containers/json", this::list);
        router.get("/containers/{id}/json", this::inspect);
        router.post("/containers/{id}/start", ex -> {
            // dockerd answers a start that changes nothing with 304 and no body
            ex.empty(service.start(id(ex)) == StateChange.ALREADY ? 304 : 204);
        });
        router.post("/containers/{id}/stop", ex -> {
            StateChange stop = service.stop(id(ex), intParam(ex.request(), "t"), ex.request().queryParam("signal"));
            ex.empty(stop == StateChange.ALREADY ? 304 : 204);
        });
        router.post("/containers/{id}/restart", ex -> {
            service.restart(id(ex), intParam(ex.request(), "t"), ex.request().queryParam("signal"));
            ex.empty(204);
        });
        router.post("/containers/{id}/kill", ex -> {
            service.kill(id(ex), ex.request().queryParam("signal"));
            ex.empty(204);
        });
        router.post("/containers/{id}/pause", ex -> {
            service.pause(id(ex));
            ex.empty(204);
        });
        router.post("/containers/{id}/unpause", ex -> {
            service.unpause(id(ex));
            ex.empty(204);
        });
        router.post("/containers/{id}/rename", ex -> {
            String name = ex.request().queryParam("name");
            if (name == null || name.isEmpty()) {
                throw EngineException.invalid("Neither old nor new names may be empty");
            }
            service.rename(id(ex), name);
            ex.empty(204);
        });
        router.delete("/containers/{id}", ex -> {
            if (ex.request().queryFlag("link")) {
                service.inspect(id(ex));
                throw EngineException.conflict("Conflict, cannot remove the default link name of the container");
            }
            service.remove(id(ex), ex.request().queryFlag("force"), ex.request().queryFlag("v"));
            ex.empty(204);
        });
        // a legacy link's name is "/parent/alias": with link=1 the link goes, else the linked container, as with dockerd
        router.delete("/containers/{id}/{alias}", ex -> {
            String parent = id(ex);
            String alias = ex.request().pathParam("alias");
            if (ex.request().queryFlag("link")) {
                service.removeLink(parent, alias);
            } else {
                service.remove(service.resolveLink(parent, alias).id(), ex.request().queryFlag("force"), ex.request().queryFlag("v"));
            }
            ex.empty(204);
        });
        router.post("/containers/{id}/wait", this::await);
        router.post("/containers/{id}/attach", this::attach);
        router.get("/containers/{id}/logs", this::logs);
        router.post("/containers/{id}/resize", ex -> {
            ContainerRecord record = service.inspect(id(ex));
            if (!record.state().running()) {
                throw EngineException.conflict("Container " + record.id() + " is not running");
            }
            service.resize(record.id(), intParam(ex.request(), "h"), intParam(ex.request(), "w"));
            ex.empty(200);
        });
        router.post("/containers/prune", ex -> {
            // what the stopped containers' writable layers hold, measured before they go: dockerd's SpaceReclaimed
            Map<String, Long> writable = new java.util.HashMap<>();
            for (ContainerRecord record : service.list(true)) {
                if (!record.state().isAlive()) {
                    writable.put(record.id(), sizes.apply(record).get("SizeRw"));
                }
            }
            List<String> removed = service.prune(ContainerFilters.PRUNE.check(Filters.parse(ex.request().queryParam("filters"), ex.jsonMapper())));
            long reclaimed = removed.stream().mapToLong(id -> writable.getOrDefault(id, 0L)).sum();
            ex.json(200, Map.of("ContainersDeleted", removed, "SpaceReclaimed", reclaimed));
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
            throw EngineException.invalid("invalid value for " + name + ": " + value);
        }
    }

    private void create(ApiExchange ex) throws IOException {
        ObjectMapper json = ex.jsonMapper();
        JsonNode body = ex.readJson(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw EngineException.invalid("config cannot be empty in order to create a container");
        }
        ContainerConfig config;
        HostConfig hostConfig;
        String endpointMac = endpointMacAddress(body.path("NetworkingConfig").path("EndpointsConfig"),
                body.path("HostConfig").path("NetworkMode").asText(""));
        if (endpointMac != null && body.path("MacAddress").asText("").isEmpty()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("MacAddress", endpointMac);
        }
        try {
            config = json.treeToValue(body, ContainerConfig.class);
            hostConfig = body.hasNonNull("HostConfig") ? json.treeToValue(body.get("HostConfig"), HostConfig.class) : null;
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining("."));
            // Jackson's hints about its own coercion settings mean nothing to an API client
            String why = e.getOriginalMessage().replaceFirst(" \\(but (could|might) if coercion .*\\)$", "");
            throw EngineException.invalid("invalid JSON" + (where.isEmpty() ? "" : " at " + where) + ": " + why);
        }
        List<String> warnings = new ArrayList<>();
        Map<String, EndpointConfig> networks = new LinkedHashMap<>();
        try {
            for (var field : body.path("NetworkingConfig").path("EndpointsConfig").properties()) {
                EndpointConfig endpoint = field.getValue().isNull() ? null : json.treeToValue(field.getValue(), EndpointConfig.class);
                networks.put(field.getKey(), endpoint == null ? EndpointConfig.NONE : endpoint);
            }
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw EngineException.invalid("invalid JSON at NetworkingConfig.EndpointsConfig: " + e.getOriginalMessage());
        }
        ContainerRecord record = service.create(new ContainerService.CreateRequest(ex.request().queryParam("name"), config, hostConfig,
                networks), warnings);
        ex.json(201, Map.of("Id", record.id(), "Warnings", warnings));
    }

    /**
     * The MAC address asked for on the network of the network mode (API 1.44 moved it there from Config, and the
     * docker CLI sends --mac-address so); on another network the engine cannot set one, and says so.
     */
    private static String endpointMacAddress(JsonNode endpoints, String networkMode) {
        String mac = null;
        for (var it = endpoints.fields(); it.hasNext(); ) {
            var endpoint = it.next();
            String requested = endpoint.getValue().path("MacAddress").asText("");
            if (requested.isEmpty()) {
                continue;
            }
            if (!sameNetwork(endpoint.getKey(), networkMode)) {
                throw EngineException.invalid("NetworkingConfig.EndpointsConfig." + endpoint.getKey() + ".MacAddress: jmachine-engine"
                        + " sets a MAC address only on the network of the container's network mode (" + networkMode + ")");
            }
            mac = requested;
        }
        return mac;
    }

    private static boolean sameNetwork(String a, String b) {
        java.util.Set<String> defaults = java.util.Set.of("", "default", "bridge");
        return a.equals(b) || defaults.contains(a) && defaults.contains(b);
    }

    private static ContainerFilters.Port filterPort(Map<String, Object> port) {
        return new ContainerFilters.Port(((Number) port.get("PrivatePort")).intValue(),
                port.get("PublicPort") instanceof Number published ? published.intValue() : null, (String) port.get("Type"));
    }

    private void list(ApiExchange ex) {
        Filters given = Filters.parse(ex.request().queryParam("filters"), ex.jsonMapper());
        ContainerFilters filters = ContainerFilters.forList(given, service::inspect);
        boolean all = ex.request().queryFlag("all") || given.has("status") || given.has("exited");
        Integer limit = intParam(ex.request(), "limit");
        List<Map<String, Object>> out = new ArrayList<>();
        for (ContainerRecord record : service.list(all)) {
            Map<String, Object> summary = ContainerViews.summary(record, clock.instant(), ports.published(record.id()),
                    service.endpointConfigs(record), ex.request().version());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> summaryPorts = (List<Map<String, Object>>) summary.get("Ports");
            if (!filters.matches(record, summaryPorts.stream().map(ContainerRoutes::filterPort).toList())) {
                continue;
            }
            List<String> names = new ArrayList<>(List.of("/" + record.name()));
            names.addAll(service.linkNames(record));
            summary.put("Names", names);
            if (ex.request().queryFlag("size")) {
                ContainerViews.putSizes(summary, sizes.apply(record));
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
        Map<String, Object> view = ContainerViews.inspect(record, service.folder(record.id()), ports.published(record.id()),
                service.endpointConfigs(record), graphDriverData.apply(record), ex.request().version());
        if (ex.request().queryFlag("size")) {
            // inspect --size shows both, zero or not
            view.putAll(sizes.apply(record));
        }
        view.put("ExecIDs", execIds.apply(record.id()));
        ex.json(200, view);
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
        service.attached(record);
        if (request.queryFlag("logs")) {
            LogStreaming.replay(service.logs(record.id()), client, tty, wantStdout, wantStderr);
        }
        if (!request.queryFlag("stream")) {
            client.close();
            return;
        }
        AttachSession session = new AttachSession(client, wantStdin && record.config().openStdin(), wantStdout, wantStderr,
                record.config().stdinOnce(), detachKeys);
        client.onClose(() -> service.detach(record.id(), session));
        service.attach(record.id(), session);
    }

    private void logs(ApiExchange ex) throws Exception {
        ApiRequest request = ex.request();
        ContainerRecord record = service.inspect(id(ex));
        boolean stdout = request.queryFlag("stdout");
        boolean stderr = request.queryFlag("stderr");
        if (!stdout && !stderr) {
            throw EngineException.invalid("Bad parameters: you must choose at least one stream");
        }
        if (!record.hostConfig().logConfig().keepsLogs()) {
            throw EngineException.notImplemented("configured logging driver does not support reading");
        }
        boolean tty = record.config().tty();
        String contentType = !tty && request.version().atLeast(1, 42) ? HijackedStream.MULTIPLEXED : HijackedStream.RAW;
        ContainerProcesses.LogSource source = service.logs(record.id());
        try (ResponseStream out = ex.startStream(200, contentType)) {
            LogStreaming.stream(source, out, new LogStreaming.Options(tty, stdout, stderr, request.queryFlag("timestamps"),
                    LogStreaming.tail(request.queryParam("tail")), LogStreaming.time(request.queryParam("since")),
                    LogStreaming.time(request.queryParam("until")),
                    request.queryFlag("follow") && service.inspect(record.id()).state().isAlive()));
        }
    }
}
