package io.jmachine.engine.image;


import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON docker clients read about images: inspect, list and history, in dockerd's field names. */
public final class ImageViews {

    private final ImageService service;

    public ImageViews(ImageService service) {
        this.service = service;
    }

    /** GET /images/{name}/json. */
    public Map<String, Object> inspect(String name) {
        Image image = service.resolve(name);
        ImageConfig config = image.config();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("Id", image.id().toString());
        view.put("RepoTags", service.repoTags(image.id()));
        view.put("RepoDigests", repoDigests(image));
        view.put("Parent", orEmpty(config.parent()));
        view.put("Comment", orEmpty(config.comment()));
        if (config.created() != null) {
            view.put("Created", config.created());
        }
        view.put("DockerVersion", orEmpty(config.dockerVersion()));
        view.put("Author", orEmpty(config.author()));
        view.put("Config", config.config());
        view.put("Architecture", orEmpty(config.architecture()));
        if (config.variant() != null) {
            view.put("Variant", config.variant());
        }
        view.put("Os", orEmpty(config.os()));
        view.put("Size", service.size(image));
        view.put("GraphDriver", graphDriver(image));
        view.put("RootFS", Map.of("Type", config.rootfs().type(), "Layers", config.diffIds().stream().map(Digest::toString).toList()));
        String lastTagTime = service.references().lastTagTime(image.id());
        view.put("Metadata", Map.of("LastTagTime", lastTagTime == null ? Rfc3339.ZERO : lastTagTime));
        return view;
    }

    /** GET /images/json; {@code all} also shows untagged parents of other images. */
    public List<Map<String, Object>> list(boolean all, ImageFilters filters) {
        Boolean dangling = filters.dangling().orElse(null);
        long before = filters.get("before").isEmpty() ? Long.MAX_VALUE : created(service.resolve(filters.get("before").getFirst()));
        before = Math.min(before, filters.until(Instant.now()).map(Instant::getEpochSecond).orElse(Long.MAX_VALUE));
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
            view.put("RepoTags", shown.stream().filter(r -> r.tag() != null).map(ImageReference::familiar).sorted().toList());
            view.put("RepoDigests", shown.stream().filter(r -> r.digest() != null).map(ImageReference::familiar).sorted().toList());
            view.put("Created", created(image));
            view.put("Size", service.size(image));
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
