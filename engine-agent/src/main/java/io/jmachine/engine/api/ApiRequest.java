package io.jmachine.engine.api;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One API call after routing: the path without its /vX.Y prefix, the negotiated version,
 * the query, the path's {placeholders}, headers and the body.
 */
public record ApiRequest(HttpMethod method, String path, ApiVersion version, Map<String, List<String>> query,
                         Map<String, String> pathParams, HttpHeaders headers, RequestBody body) {

    private static final Set<String> FALSE_WORDS = Set.of("", "0", "no", "false", "none");

    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no {" + name + "} placeholder");
        }
        return value;
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> queryParams(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** A boolean query flag as dockerd reads it: absent, "", 0, no, false and none are false. */
    public boolean queryFlag(String name) {
        String value = queryParam(name);
        return value != null && !FALSE_WORDS.contains(value.toLowerCase(java.util.Locale.ROOT));
    }
}
