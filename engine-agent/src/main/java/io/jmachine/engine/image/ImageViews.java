package io.jmachine.engine.image;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The JSON docker clients read about images: inspect, list and history, in dockerd's field names. */
public final class ImageViews {

    private final ImageService service;

    public ImageViews(ImageService service) {
        this.service = service;
    }

    /** GET /images/{name}/json, as the newest API shows it. */
    public Map<String, Object> inspect(String name) {
        return inspect(name, false);
    }

    /**
     * GET /images/{name}/json.
     *
     * @param legacyFields for clients of API 1.43 and older: VirtualSize, as dockerd 20.10 sends it
     */
    public Map<String, Object> inspect(String name, boolean legacyFields) {
        Image image = service.resolve(name);
        ImageConfig config = image.config();
        JsonNode raw = rawConfig(image);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Id", image.id().toString());
        view.put("RepoTags", service.repoTags(image.id()));
        view.put("RepoDigests", repoDigests(image));
        view.put("Parent", orEmpty(config.parent()));
        view.put("Comment", orEmpty(config.comment()));
        if (config.created() != null) {
            view.put("Created", config.created());
        }
        view.put("Container", raw.path("container").asText(""));
        view.put("ContainerConfig", containerConfig(raw.path("container_config")));
        view.put("DockerVersion", orEmpty(config.dockerVersion()));
        view.put("Author", orEmpty(config.author()));
        view.put("Config", containerConfig(raw.path("config")));
        view.put("Architecture", orEmpty(config.architecture()));
        if (config.variant() != null) {
            view.put("Variant", config.variant());
        }
        view.put("Os", orEmpty(config.os()));
        view.put("Size", service.size(image));
        if (legacyFields) {
            view.put("VirtualSize", service.size(image));
        }
        view.put("GraphDriver", graphDriver(image));
        view.put("RootFS", Map.of("Type", config.rootfs().type(), "Layers", config.diffIds().stream().map(Digest::toString).toList()));
        String lastTagTime = service.references().lastTagTime(image.id());
        view.put("Metadata", Map.of("LastTagTime", lastTagTime == null ? Rfc3339.ZERO : lastTagTime));
        return view;
    }

    /** GET /images/json as the newest API shows it. */
    public List<Map<String, Object>> list(boolean all, ImageFilters filters) {
        return list(all, filters, false);
    }

    /**
     * GET /images/json; {@code all} also shows untagged parents of other images.
     *
     * @param legacyFields for clients of API 1.43 and older, as dockerd 20.10: VirtualSize, null RepoTags or RepoDigests
     *                     when there are none, and {@code <none>:<none>} and {@code <none>@<none>} for an untagged image
     */
    public List<Map<String, Object>> list(boolean all, ImageFilters filters, boolean legacyFields) {
        filters.validate(Set.of("dangling", "label", "label!", "reference", "before", "since", "until"));
        Boolean dangling = filters.dangling();
        long before = filters.get("before").isEmpty() ? Long.MAX_VALUE : created(service.resolve(filters.get("before").getFirst()));
        long since = filters.get("since").isEmpty() ? Long.MIN_VALUE : created(service.resolve(filters.get("since").getFirst()));
        List<Image> images = new ArrayList<>(service.all());
        images.sort((a, b) -> Long.compare(created(b), created(a)));
        List<Map<String, Object>> views = new ArrayList<>();
        for (Image image : images) {
            List<ImageReference> refs = service.references().referencesTo(image.id());
            boolean untagged = refs.isEmpty();
            // a reference filter also narrows the references shown, as dockerd does
            List<ImageReference> shown = refs.stream().filter(r -> filters.matchesReferences(List.of(r))).toList();
            boolean hasChildren = !service.images().children(image.id()).isEmpty();
            if (!all && untagged && dangling == null && hasChildren) {
                continue; // an intermediate image: docker images hides it without -a
            }
            if (Boolean.TRUE.equals(dangling) && hasChildren) {
                continue; // dockerd's dangling images are untagged heads: a build step's image, a parent, is not one
            }
            if ((dangling != null && dangling != untagged)
                    || !filters.matchesLabels(image.config().config().labelsOrEmpty())
                    || shown.isEmpty() && !filters.get("reference").isEmpty()
                    || created(image) >= before || created(image) <= since) {
                continue;
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("Id", image.id().toString());
            view.put("ParentId", orEmpty(image.config().parent()));
            List<String> tags = shown.stream().filter(r -> r.tag() != null).map(ImageReference::familiar).sorted().toList();
            List<String> digests = shown.stream().filter(r -> r.digest() != null).map(ImageReference::familiar).sorted().toList();
            if (legacyFields && tags.isEmpty() && digests.isEmpty()) {
                tags = List.of("<none>:<none>");
                digests = List.of("<none>@<none>");
            }
            view.put("RepoTags", legacyFields && tags.isEmpty() ? null : tags);
            view.put("RepoDigests", legacyFields && digests.isEmpty() ? null : digests);
            view.put("Created", created(image));
            view.put("Size", service.size(image));
            if (legacyFields) {
                view.put("VirtualSize", service.size(image));
            }
            view.put("SharedSize", -1);
            view.put("Labels", image.config().config().labelsOrEmpty());
            view.put("Containers", -1);
            views.add(view);
        }
        return views;
    }

    /**
     * GET /images/{name}/history: one entry per history item, newest first; entries carry the ID (and tags)
     * of the image and its parents where they are still here, "&lt;missing&gt;" otherwise, as moby does.
     */
    public List<Map<String, Object>> history(String name) {
        Image image = service.resolve(name);
        List<ImageConfig.History> entries = new ArrayList<>(image.config().history());
        if (entries.isEmpty()) {
            for (int i = 0; i < image.config().diffIds().size(); i++) {
                entries.add(new ImageConfig.History(image.config().created(), "", null, "", null));
            }
        }
        List<Digest> chain = image.chainIds();
        List<Map<String, Object>> views = new ArrayList<>();
        int layer = 0;
        for (ImageConfig.History entry : entries) {
            long size = 0;
            if (!entry.isEmptyLayer() && layer < chain.size()) {
                size = service.layers().get(chain.get(layer)).map(Layer::size).orElse(0L);
                layer++;
            }
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("Id", "<missing>");
            view.put("Created", Rfc3339.epochSeconds(entry.created()));
            view.put("CreatedBy", orEmpty(entry.createdBy()));
            view.put("Tags", null);
            view.put("Size", size);
            view.put("Comment", orEmpty(entry.comment()));
            views.addFirst(view);
        }
        Image current = image;
        for (Map<String, Object> view : views) {
            view.put("Id", current.id().toString());
            List<String> tags = service.repoTags(current.id());
            view.put("Tags", tags.isEmpty() ? null : tags);
            Digest parent = current.parent();
            if (parent == null || service.images().get(parent).isEmpty()) {
                break;
            }
            current = service.images().get(parent).orElseThrow();
        }
        return views;
    }

    /** Docker's container.Config with every field dockerd shows for an image, filled from the stored config's own. */
    private static Map<String, Object> containerConfig(JsonNode stored) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (String field : List.of("Hostname", "Domainname", "User")) {
            config.put(field, stored.path(field).asText(""));
        }
        for (String field : List.of("AttachStdin", "AttachStdout", "AttachStderr")) {
            config.put(field, stored.path(field).asBoolean(false));
        }
        putIfPresent(config, stored, "ExposedPorts");
        for (String field : List.of("Tty", "OpenStdin", "StdinOnce")) {
            config.put(field, stored.path(field).asBoolean(false));
        }
        config.put("Env", stored.hasNonNull("Env") ? stored.get("Env") : null);
        config.put("Cmd", stored.hasNonNull("Cmd") ? stored.get("Cmd") : null);
        putIfPresent(config, stored, "Healthcheck");
        if (stored.path("ArgsEscaped").asBoolean(false)) {
            config.put("ArgsEscaped", true);
        }
        config.put("Image", stored.path("Image").asText(""));
        config.put("Volumes", stored.hasNonNull("Volumes") ? stored.get("Volumes") : null);
        config.put("WorkingDir", stored.path("WorkingDir").asText(""));
        config.put("Entrypoint", stored.hasNonNull("Entrypoint") ? stored.get("Entrypoint") : null);
        if (stored.path("NetworkDisabled").asBoolean(false)) {
            config.put("NetworkDisabled", true);
        }
        putIfPresent(config, stored, "MacAddress");
        config.put("OnBuild", stored.hasNonNull("OnBuild") ? stored.get("OnBuild") : null);
        config.put("Labels", stored.hasNonNull("Labels") ? stored.get("Labels") : null);
        putIfPresent(config, stored, "StopSignal");
        putIfPresent(config, stored, "StopTimeout");
        putIfPresent(config, stored, "Shell");
        return config;
    }

    /** Go's omitempty: left out when null or empty. */
    private static void putIfPresent(Map<String, Object> config, JsonNode stored, String field) {
        JsonNode value = stored.path(field);
        boolean empty = value.isMissingNode() || value.isNull() || (value.isContainerNode() && value.isEmpty())
                || (value.isTextual() && value.asText().isEmpty());
        if (!empty) {
            config.put(field, value);
        }
    }

    private JsonNode rawConfig(Image image) {
        try {
            return service.json().readTree(service.images().rawConfig(image.id()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the config of image " + image.id(), e);
        }
    }

    private List<String> repoDigests(Image image) {
        return service.references().referencesTo(image.id()).stream().filter(r -> r.digest() != null)
                .map(ImageReference::familiar).sorted().toList();
    }

    private Map<String, Object> graphDriver(Image image) {
        List<Digest> chain = image.chainIds();
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("Name", "overlay2");
        if (chain.isEmpty()) {
            graph.put("Data", null);
            return graph;
        }
        Map<String, String> data = new LinkedHashMap<>();
        List<String> lower = new ArrayList<>();
        for (Digest chainId : chain.subList(0, chain.size() - 1).reversed()) {
            lower.add(service.layers().diffDir(chainId).toString());
        }
        if (!lower.isEmpty()) {
            data.put("LowerDir", String.join(":", lower));
        }
        java.nio.file.Path top = service.layers().diffDir(chain.getLast());
        data.put("MergedDir", top.resolveSibling("merged").toString());
        data.put("UpperDir", top.toString());
        data.put("WorkDir", top.resolveSibling("work").toString());
        graph.put("Data", data);
        return graph;
    }

    private static long created(Image image) {
        return Rfc3339.epochSeconds(image.config().created());
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

}
