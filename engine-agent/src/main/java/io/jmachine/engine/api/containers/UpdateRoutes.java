package io.jmachine.engine.api.containers;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerUpdates;
import io.jmachine.engine.container.UpdateConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** POST /containers/{id}/update: restart policy and resources of an existing container ({@code docker update}). */
public final class UpdateRoutes {

    private final ContainerUpdates updates;

    public UpdateRoutes(ContainerUpdates updates) {
        this.updates = updates;
    }

    public void register(Router router) {
        router.post("/containers/{id}/update", this::update);
    }

    private void update(ApiExchange ex) {
        UpdateConfig request;
        try {
            request = ex.readJson(UpdateConfig.class);
        } catch (EngineException e) {
            // dockerd hands its JSON decoder's error back as a 500
            throw EngineException.internal(e.getMessage().replaceFirst(" \\(but (could|might) if coercion .*\\)$", ""));
        }
        if (request == null) {
            throw EngineException.internal("EOF");
        }
        List<String> warnings = updates.update(ex.request().pathParam("id"), request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Warnings", warnings);
        ex.json(200, body);
    }
}
