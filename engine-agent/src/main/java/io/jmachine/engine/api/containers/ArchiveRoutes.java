package io.jmachine.engine.api.containers;

import com.fasterxml.jackson.databind.JsonNode;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.api.ApiExchange;
import io.jmachine.engine.api.ResponseStream;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.container.ContainerFiles;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** docker cp (the archive endpoints), docker export and docker commit. */
public final class ArchiveRoutes {

    private static final String STAT_HEADER = "X-Docker-Container-Path-Stat";

    private final ContainerFiles files;

    public ArchiveRoutes(ContainerFiles files) {
        this.files = files;
    }

    public void register(Router router) {
        router.head("/containers/{id}/archive", ex -> {
            ContainerFiles.PathStat stat = files.stat(ex.request().pathParam("id"), path(ex));
            ex.header(STAT_HEADER, encode(ex, stat)).empty(200);
        });
        router.get("/containers/{id}/archive", this::get);
        router.put("/containers/{id}/archive", ex -> {
            try (InputStream tar = ex.request().body().stream()) {
                files.extract(ex.request().pathParam("id"), path(ex), tar, ex.request().queryFlag("noOverwriteDirNonDir"));
            }
            ex.empty(200);
        });
        router.get("/containers/{id}/export", ex -> {
            ResponseStream out = ex.startStream(200, "application/x-tar");
            try {
                files.export(ex.request().pathParam("id"), out.asOutputStream());
                out.close();
            } catch (IOException | RuntimeException e) {
                out.abort();
                throw e;
            }
        });
        router.post("/commit", this::commit);
        router.get("/containers/{id}/changes", ex -> ex.json(200, files.changes(ex.request().pathParam("id"))));
    }

    private void get(ApiExchange ex) throws IOException {
        ResponseStream[] stream = new ResponseStream[1];
        try {
            files.archive(ex.request().pathParam("id"), path(ex), stat -> {
                ex.header(STAT_HEADER, encode(ex, stat));
                stream[0] = ex.startStream(200, "application/x-tar");
                return stream[0].asOutputStream();
            });
            stream[0].close();
        } catch (IOException | RuntimeException e) {
            if (stream[0] != null) {
                stream[0].abort();
            }
            throw e;
        }
    }

    private void commit(ApiExchange ex) throws IOException {
        var request = ex.request();
        String container = request.queryParam("container");
        if (container == null || container.isEmpty()) {
            throw EngineException.invalid("container is required");
        }
        JsonNode body = ex.readJson(JsonNode.class);
        ImageConfig.RunConfig config = body == null || body.isNull() || body.isEmpty() ? null
                : ex.jsonMapper().treeToValue(body, ImageConfig.RunConfig.class);
        Image image = files.commit(container, request.queryParam("repo"), request.queryParam("tag"), request.queryParam("author"),
                request.queryParam("comment"), request.queryParams("changes"), config);
        ex.json(201, Map.of("Id", image.id().toString()));
    }

    private static String path(ApiExchange ex) {
        String path = ex.request().queryParam("path");
        if (path == null || path.isEmpty()) {
            throw EngineException.invalid("path is required");
        }
        return path;
    }

    private static String encode(ApiExchange ex, ContainerFiles.PathStat stat) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", stat.name());
        json.put("size", stat.size());
        json.put("mode", stat.mode());
        json.put("mtime", stat.mtime());
        json.put("linkTarget", stat.linkTarget());
        try {
            return Base64.getEncoder().encodeToString(ex.jsonMapper().writeValueAsString(json).getBytes(StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
