package io.jmachine.engine.build;

import java.util.List;
import java.util.Map;

/**
 * What {@code POST /build} asks for (its query parameters).
 *
 * @param tags       the {@code t} values, each repo[:tag]
 * @param dockerfile the Dockerfile's path inside the context; empty for "Dockerfile"
 * @param buildArgs  {@code --build-arg} values; a null value means "take it from the client's environment",
 *                   which the CLI already did, so it counts as unset
 * @param labels     {@code --label}s, added to the target stage as a last LABEL
 * @param target     the stage to stop at, or empty for the last
 * @param quiet      q=1: only the image ID is printed
 * @param remove     rm: remove intermediate containers after a successful step (failed ones always go)
 * @param extraHosts {@code --add-host} entries (host:ip) for RUN containers' /etc/hosts
 * @param cacheFrom  {@code --cache-from} images: when given, only they (and what descends into them) serve as cache
 * @param networkMode the network RUN containers join ("default", "host", "none" or a network's name or ID)
 */
public record BuildRequest(List<String> tags, String dockerfile, Map<String, String> buildArgs, Map<String, String> labels,
                           String target, boolean noCache, boolean quiet, boolean remove, List<String> extraHosts,
                           List<String> cacheFrom, String networkMode) {

    public BuildRequest {
        tags = List.copyOf(tags);
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        cacheFrom = cacheFrom == null ? List.of() : List.copyOf(cacheFrom);
        networkMode = networkMode == null || networkMode.isEmpty() ? "default" : networkMode;
        buildArgs = buildArgs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(buildArgs));
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
