package io.jmachine.engine.api;

import io.jmachine.engine.errors.EngineException;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a method and a path such as {@code /containers/{id}/json} to its handler. Placeholders match
 * one segment; {@code {name...}} matches one or more segments up to the fixed ones after it (image names contain slashes).
 */
public final class Router {

    record Route(HttpMethod method, String[] segments, RouteHandler handler) {}

    public record Match(RouteHandler handler, Map<String, String> pathParams) {}

    private final List<Route> routes = new ArrayList<>();

    public Router add(HttpMethod method, String pattern, RouteHandler handler) {
        routes.add(new Route(method, split(pattern), handler));
        return this;
    }

    public Router get(String pattern, RouteHandler handler) {
        return add(HttpMethod.GET, pattern, handler);
    }

    public Router head(String pattern, RouteHandler handler) {
        return add(HttpMethod.HEAD, pattern, handler);
    }

    public Router post(String pattern, RouteHandler handler) {
        return add(HttpMethod.POST, pattern, handler);
    }

    public Router put(String pattern, RouteHandler handler) {
        return add(HttpMethod.PUT, pattern, handler);
    }

    public Router delete(String pattern, RouteHandler handler) {
        return add(HttpMethod.DELETE, pattern, handler);
    }

    /** The matching route; 404 "page not found" as dockerd when no path matches, 405 when only the method differs. */
    public Match route(HttpMethod method, String path) {
        String[] segments = split(path);
        boolean pathMatched = false;
        for (Route route : routes) {
            Map<String, String> params = match(route.segments(), segments);
            if (params == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match(route.handler(), params);
            }
            pathMatched = true;
        }
        if (pathMatched) {
            throw new ApiException(405, "method " + method + " is not allowed on " + path);
        }
        throw new ApiException(404, "page not found");
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("...}")) {
                // the rest placeholder takes what the fixed segments after it leave, at least one segment
                int suffix = pattern.length - i - 1;
                int end = path.length - suffix;
                if (end <= i) {
                    return null;
                }
                for (int j = 0; j < suffix; j++) {
                    if (!pattern[i + 1 + j].equals(path[end + j])) {
                        return null;
                    }
                }
                params.put(p.substring(1, p.length() - 4), String.join("/", Arrays.copyOfRange(path, i, end)));
                return params;
            }
            if (i >= path.length) {
                return null;
            }
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return pattern.length == path.length ? params : null;
    }

    private static String[] split(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
    }
}
