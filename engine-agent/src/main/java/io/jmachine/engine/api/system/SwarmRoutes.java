package io.jmachine.engine.api.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.RouteHandler;
import io.jmachine.engine.api.Router;

import java.math.BigInteger;

/**
 * Swarm mode's routes as dockerd 20.10 answers them on a node that is in no swarm: 503, after the same checks of
 * the body and the query that dockerd makes first (400). Clients call {@code POST /swarm/leave} in their cleanup and
 * accept the 503; a 404 would tell them the API is missing. The engine has no swarm mode, so init and join, which
 * dockerd would carry out, are 503 too.
 */
public final class SwarmRoutes {

    static final String NOT_IN_SWARM = "This node is not part of a swarm";
    static final String NOT_A_MANAGER = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" "
            + "to connect this node to swarm and try again.";

    public void register(Router router) {
        router.post("/swarm/init", withBody(unavailable(NOT_IN_SWARM
                + ": jmachine-engine has no swarm mode, so it cannot init or join one")));
        router.post("/swarm/join", withBody(unavailable(NOT_IN_SWARM
                + ": jmachine-engine has no swarm mode, so it cannot init or join one")));
        router.post("/swarm/leave", unavailable(NOT_IN_SWARM));
        router.get("/swarm", unavailable(NOT_A_MANAGER));
        router.get("/swarm/unlockkey", unavailable(NOT_A_MANAGER));
        router.post("/swarm/update", withBody(ex -> {
            version(ex, "swarm");
            for (String flag : new String[] {"rotateWorkerToken", "rotateManagerToken", "rotateManagerUnlockKey"}) {
                String value = ex.request().queryParam(flag);
                if (value != null && !value.isEmpty() && parseBool(value) == null) {
                    throw EngineException.invalid("invalid value for " + flag + ": " + value);
                }
            }
            throw unavailable();
        }));
        router.post("/swarm/unlock", withBody(unavailable(NOT_A_MANAGER)));

        router.get("/services", unavailable(NOT_A_MANAGER));
        router.get("/services/{id}", unavailable(NOT_A_MANAGER));
        router.post("/services/create", withBody(unavailable(NOT_A_MANAGER)));
        router.post("/services/{id}/update", withBody(ex -> {
            version(ex, "service");
            throw unavailable();
        }));
        router.delete("/services/{id}", unavailable(NOT_A_MANAGER));
        router.get("/services/{id}/logs", SwarmRoutes::logs);

        router.get("/nodes", unavailable(NOT_A_MANAGER));
        router.get("/nodes/{id}", unavailable(NOT_A_MANAGER));
        router.delete("/nodes/{id}", unavailable(NOT_A_MANAGER));
        router.post("/nodes/{id}/update", withBody(ex -> {
            version(ex, "node");
            throw unavailable();
        }));

        router.get("/tasks", unavailable(NOT_A_MANAGER));
        router.get("/tasks/{id}", unavailable(NOT_A_MANAGER));
        router.get("/tasks/{id}/logs", SwarmRoutes::logs);

        for (String kind : new String[] {"secret", "config"}) {
            String base = "/" + kind + "s";
            router.get(base, unavailable(NOT_A_MANAGER));
            router.post(base + "/create", withBody(unavailable(NOT_A_MANAGER)));
            router.delete(base + "/{id}", unavailable(NOT_A_MANAGER));
            router.get(base + "/{id}", unavailable(NOT_A_MANAGER));
            router.post(base + "/{id}/update", withBody(ex -> {
                if (unsigned(ex.request().queryParam("version")) == null) {
                    throw EngineException.invalid("invalid " + kind + " version");
                }
                throw unavailable();
            }));
        }
    }

    private static EngineException unavailable() {
        return EngineException.unavailable(NOT_A_MANAGER);
    }

    private static RouteHandler unavailable(String message) {
        return ex -> {
            throw EngineException.unavailable(message);
        };
    }

    /** dockerd decodes the body before anything else: no body, or one that is not JSON, is a 400. */
    private static RouteHandler withBody(RouteHandler next) {
        return ex -> {
            if (ex.readJson(JsonNode.class) == null) {
                throw EngineException.invalid("got EOF while reading request body");
            }
            next.handle(ex);
        };
    }

    /** The object version an update names, read as dockerd reads it (strconv.ParseUint). */
    private static void version(ApiExchange ex, String kind) {
        String raw = ex.request().queryParam("version");
        String text = raw == null ? "" : raw;
        if (unsigned(text) == null) {
            String why = !text.isEmpty() && text.chars().allMatch(Character::isDigit) ? "value out of range" : "invalid syntax";
            throw EngineException.invalid("invalid " + kind + " version '" + text + "': strconv.ParseUint: parsing \"" + text
                    + "\": " + why);
        }
    }

    private static BigInteger unsigned(String text) {
        if (text == null || text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        BigInteger value = new BigInteger(text);
        return value.bitLength() > 64 ? null : value;
    }

    /** Go's strconv.ParseBool. */
    private static Boolean parseBool(String value) {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> null;
        };
    }

    /** Service and task logs check their streams before they find there is no swarm. */
    private static void logs(ApiExchange ex) {
        if (!ex.request().queryFlag("stdout") && !ex.request().queryFlag("stderr")) {
            throw EngineException.internal("Bad parameters: you must choose at least one stream");
        }
        throw unavailable();
    }
}
