package io.jmachine.engine.api.networks;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.filters.Filters;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerRecord;
import io.jmachine.engine.container.ContainerService;
import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.network.EndpointConfig;
import io.jmachine.engine.network.NetworkFilters;
import io.jmachine.engine.network.IpamPool;
import io.jmachine.engine.network.NetworkAttachment;
import io.jmachine.engine.network.NetworkRecord;
import io.jmachine.engine.network.NetworkRegistry;
import io.jmachine.engine.network.NetworkService;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** /networks…: list, inspect, create, remove, connect, disconnect and prune. */
public final class NetworkRoutes {

    private final NetworkService networks;
    private final ContainerService containers;
    private final Clock clock;
    private final EventBus events;

    public NetworkRoutes(NetworkService networks, ContainerService containers, Clock clock) {
        this(networks, containers, clock, null);
    }

    /** @param events for network create and destroy; null sends none */
    public NetworkRoutes(NetworkService networks, ContainerService containers, Clock clock, EventBus events) {
        this.events = events;
        this.networks = networks;
        this.containers = containers;
        this.clock = clock;
    }

    public void register(Router router) {
        router.get("/networks", this::list);
        router.get("/networks/{id}", ex -> {
            NetworkRecord network = networks.networks().resolve(ex.request().pathParam("id"));
            ex.json(200, NetworkViews.view(network, attachments(), this::nameOf, ex.request().version()));
        });
        router.post("/networks/create", this::create);
        router.delete("/networks/{id}", ex -> {
            NetworkRecord network = networks.networks().resolve(ex.request().pathParam("id"));
            networks.removeNetwork(network.id());
            publish("destroy", network);
            ex.empty(204);
        });
        router.post("/networks/{id}/connect", this::connect);
        router.post("/networks/{id}/disconnect", this::disconnect);
        router.post("/networks/prune", this::prune);
    }

    private void list(ApiExchange ex) {
        Filters filters = NetworkFilters.LIST.check(Filters.parse(ex.request().queryParam("filters"), ex.jsonMapper()));
        List<NetworkAttachment> attachments = attachments();
        List<Map<String, Object>> out = new ArrayList<>();
        for (NetworkRecord network : networks.networks().all()) {
            if (NetworkFilters.matches(network, filters, !networks.attachmentsOn(network.id()).isEmpty())) {
                out.add(NetworkViews.view(network, List.of(), this::nameOf, ex.request().version()));
            }
        }
        ex.json(200, out);
    }

    private void create(ApiExchange ex) throws IOException {
        JsonNode body = ex.readJson(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw EngineException.invalid("network create needs a JSON body with a Name");
        }
        String driver = body.path("IPAM").path("Driver").asText("");
        if (!driver.isEmpty() && !driver.equals("default")) {
            throw EngineException.notFound("plugin \"" + driver + "\" not found: jmachine-engine has only the default IPAM driver");
        }
        List<IpamPool> ipam = new ArrayList<>();
        try {
            for (JsonNode config : body.path("IPAM").path("Config")) {
                ipam.add(ex.jsonMapper().treeToValue(config, IpamPool.class));
            }
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw EngineException.invalid("invalid JSON at IPAM.Config: " + e.getOriginalMessage());
        }
        NetworkRecord network = networks.createNetwork(new NetworkRegistry.CreateRequest(body.path("Name").asText(null),
                body.path("Driver").asText(""), ipam, body.path("EnableIPv6").asBoolean(false), body.path("Internal").asBoolean(false),
                stringMap(body.path("Labels")), stringMap(body.path("Options")),
                // API 1.44 dropped CheckDuplicate: from there on a name is always checked
                ex.request().version().atLeast(1, 44) || body.path("CheckDuplicate").asBoolean(false)));
        publish("create", network);
        String warning = networks.networks().namesakes(network).stream().findFirst()
                .map(other -> "Network with name " + other.name() + " (id : " + other.id() + ") already exists").orElse("");
        ex.json(201, Map.of("Id", network.id(), "Warning", warning));
    }

    private void publish(String action, NetworkRecord network) {
        if (events != null) {
            events.publish("network", action, network.id(), Map.of("name", network.name(), "type", network.driver()));
        }
    }

    private void connect(ApiExchange ex) throws IOException {
        JsonNode body = ex.readJson(JsonNode.class);
        NetworkRecord network = networks.networks().resolve(ex.request().pathParam("id"));
        String container = body == null ? "" : body.path("Container").asText("");
        EndpointConfig config;
        try {
            JsonNode endpoint = body == null ? null : body.get("EndpointConfig");
            config = endpoint == null || endpoint.isNull() ? EndpointConfig.NONE : ex.jsonMapper().treeToValue(endpoint, EndpointConfig.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw EngineException.invalid("invalid JSON at EndpointConfig: " + e.getOriginalMessage());
        }
        containers.connectNetwork(container, network.id(), config);
        ex.empty(200);
    }

    private void disconnect(ApiExchange ex) throws IOException {
        JsonNode body = ex.readJson(JsonNode.class);
        NetworkRecord network = networks.networks().resolve(ex.request().pathParam("id"));
        containers.disconnectNetwork(body == null ? "" : body.path("Container").asText(""), network.id());
        ex.empty(200);
    }

    private void prune(ApiExchange ex) {
        Filters filters = NetworkFilters.PRUNE.check(Filters.parse(ex.request().queryParam("filters"), ex.jsonMapper()));
        Instant now = clock.instant();
        List<NetworkRecord> before = List.copyOf(networks.networks().all());
        List<String> removed = networks.pruneNetworks(network -> NetworkFilters.prunable(network, filters, now));
        before.stream().filter(n -> removed.contains(n.name())).forEach(n -> publish("destroy", n));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("NetworksDeleted", removed);
        ex.json(200, out);
    }

    private List<NetworkAttachment> attachments() {
        List<NetworkAttachment> all = new ArrayList<>();
        for (String id : networks.attachedContainers()) {
            networks.attachment(id).ifPresent(all::add);
        }
        return all;
    }

    private Optional<String> nameOf(String containerId) {
        return containers.find(containerId).map(ContainerRecord::name);
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }
}
