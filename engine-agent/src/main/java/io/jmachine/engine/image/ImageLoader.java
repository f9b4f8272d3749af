package io.jmachine.engine.image;

import io.jmachine.engine.archive.Compression;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.archive.TarExtractor;
import io.jmachine.engine.fs.Root;
import io.jmachine.engine.fs.Stat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code docker load}: reads a docker-save tar ({@code manifest.json}), a plain OCI image layout
 * ({@code index.json}) or the legacy form ({@code <id>/json} and {@code <id>/layer.tar} with
 * {@code repositories}). The tar is unpacked safely into a temp folder first; every layer's diff ID must
 * match the config's, or the load is a 400.
 */
final class ImageLoader {

    private static final Set<String> INDEX_TYPES = Set.of(ImageSaver.INDEX_TYPE,
            "application/vnd.docker.distribution.manifest.list.v2+json");

    private final ImageService service;
    private final ObjectMapper json;
    private final List<String> loaded = new ArrayList<>();

    ImageLoader(ImageService service) {
        this.service = service;
        this.json = service.json();
    }

    List<String> load(InputStream tar) throws IOException {
        Path temp = service.tempDir();
        // every name in the archive (its JSON's too) is resolved inside it: its links never lead to a host file
        try (Root dir = unpack(tar, temp)) {
            if (isFile(dir, "manifest.json")) {
                loadDockerManifests(dir);
            } else if (isFile(dir, "index.json")) {
                loadIndex(dir, read(dir, "index.json"), null);
            } else if (isFile(dir, "repositories") || hasLegacyImages(dir)) {
                loadLegacy(dir);
            } else {
                throw EngineException.invalid("this is not an image archive: it has no manifest.json, index.json or <id>/json "
                        + "(make it with docker save)");
            }
            if (loaded.isEmpty()) {
                throw EngineException.invalid("the archive holds no image");
            }
            return loaded;
        } finally {
            ImageService.deleteQuietly(temp);
            service.collectGarbage(); // layers of an image that failed its checks
        }
    }

    private static Root unpack(InputStream tar, Path temp) throws IOException {
        TarExtractor.extract(Compression.plainOrRefused(tar), temp, TarExtractor.Options.PLAIN);
        return Root.open(temp);
    }

    private void loadDockerManifests(Root dir) throws IOException {
        for (JsonNode entry : read(dir, "manifest.json")) {
            List<String> layers = new ArrayList<>();
            for (JsonNode layer : entry.path("Layers")) {
                layers.add(file(dir, layer.asText()));
            }
            Image image = register(dir, bytes(dir, file(dir, entry.path("Config").asText())), layers);
            List<String> tags = new ArrayList<>();
            entry.path("RepoTags").forEach(tag -> tags.add(tag.asText()));
            tag(image, tags);
        }
    }

    private void loadIndex(Root dir, JsonNode index, String inheritedName) throws IOException {
        for (JsonNode descriptor : index.path("manifests")) {
            JsonNode annotations = descriptor.path("annotations");
            if (annotations.has("vnd.docker.reference.type")) {
                continue; // attestations (provenance, SBOM) are not images
            }
            JsonNode platform = descriptor.path("platform");
            if (platform.isObject() && !(platform.path("os").asText("linux").equals("linux")
                    && platform.path("architecture").asText(ImageService.goArch()).equals(ImageService.goArch()))) {
                continue;
            }
            String name = nameOf(annotations, inheritedName);
            byte[] content = bytes(dir, blob(dir, descriptor));
            if (!Digest.of(content).toString().equals(descriptor.path("digest").asText())) {
                throw EngineException.invalid("blob " + descriptor.path("digest").asText() + " does not match its digest");
            }
            JsonNode node = json.readTree(content);
            String mediaType = descriptor.path("mediaType").asText(node.path("mediaType").asText());
            if (INDEX_TYPES.contains(mediaType) || node.has("manifests")) {
                loadIndex(dir, node, name);
                continue;
            }
            List<String> layers = new ArrayList<>();
            for (JsonNode layer : node.path("layers")) {
                String layerType = layer.path("mediaType").asText();
                if (layerType.contains("zstd")) {
                    throw EngineException.invalid("layer " + layer.path("digest").asText() + " is zstd-compressed, which this engine "
                            + "cannot read yet: save the image uncompressed or gzip-compressed");
                }
                layers.add(blob(dir, layer));
            }
            Image image = register(dir, bytes(dir, blob(dir, node.path("config"))), layers);
            tag(image, name == null ? List.of() : List.of(name));
        }
    }

    /** io.containerd.image.name, else a ref.name that is a whole reference (a bare tag names no repository). */
    private static String nameOf(JsonNode annotations, String inherited) {
        String full = annotations.path(ImageSaver.NAME_ANNOTATION).asText("");
        if (!full.isEmpty()) {
            return full;
        }
        String ref = annotations.path(ImageSaver.REF_ANNOTATION).asText("");
        if (ref.contains("/") || (ref.contains(":") && !ref.startsWith(":"))) {
            return ref;
        }
        return inherited;
    }

    private void loadLegacy(Root dir) throws IOException {
        Map<String, JsonNode> v1 = new LinkedHashMap<>();
        for (String entry : dir.top().list()) {
            if (isFile(dir, entry + "/json")) {
                v1.put(entry, json.readTree(bytes(dir, entry + "/json")));
            }
        }
        Map<String, List<String>> tagsByTop = new LinkedHashMap<>();
        if (isFile(dir, "repositories")) {
            JsonNode repositories = read(dir, "repositories");
            for (var repo : (Iterable<Map.Entry<String, JsonNode>>) repositories::fields) {
                for (var tag : (Iterable<Map.Entry<String, JsonNode>>) repo.getValue()::fields) {
                    tagsByTop.computeIfAbsent(tag.getValue().asText(), id -> new ArrayList<>()).add(repo.getKey() + ":" + tag.getKey());
                }
            }
        } else {
            Set<String> parents = new HashSet<>();
            v1.values().forEach(node -> parents.add(node.path("parent").asText("")));
            v1.keySet().stream().filter(id -> !parents.contains(id)).forEach(id -> tagsByTop.put(id, List.of()));
        }
        for (Map.Entry<String, List<String>> top : tagsByTop.entrySet()) {
            List<String> chain = new ArrayList<>();
            for (String id = top.getKey(); id != null && !id.isEmpty(); id = v1.get(id).path("parent").asText("")) {
                if (!v1.containsKey(id) || chain.contains(id)) {
                    throw EngineException.invalid("legacy image " + id + " is missing from the archive (or its parents loop)");
                }
                chain.addFirst(id);
            }
            ArrayNode history = json.createArrayNode();
            List<String> layers = new ArrayList<>();
            for (String id : chain) {
                JsonNode node = v1.get(id);
                ObjectNode entry = history.addObject();
                entry.put("created", node.path("created").asText());
                List<String> cmd = new ArrayList<>();
                node.path("container_config").path("Cmd").forEach(c -> cmd.add(c.asText()));
                entry.put("created_by", String.join(" ", cmd));
                if (node.hasNonNull("author")) {
                    entry.put("author", node.path("author").asText());
                }
                if (node.hasNonNull("comment")) {
                    entry.put("comment", node.path("comment").asText());
                }
                layers.add(file(dir, id + "/layer.tar"));
            }
            ObjectNode config = ((ObjectNode) v1.get(top.getKey())).deepCopy();
            for (String legacyField : List.of("id", "parent", "Size", "parent_id", "layer_id", "throwaway")) {
                config.remove(legacyField);
            }
            config.set("history", history);
            Image image = registerLegacy(dir, config, layers);
            tag(image, top.getValue());
        }
    }

    /** Legacy configs get their diff IDs from the layers themselves. */
    private Image registerLegacy(Root dir, ObjectNode config, List<String> layerFiles) throws IOException {
        ArrayNode diffIds = json.createArrayNode();
        Layer parent = null;
        for (String file : layerFiles) {
            try (InputStream in = open(dir, file)) {
                parent = service.addLayer(in, parent);
            }
            diffIds.add(parent.diffId().toString());
        }
        config.putObject("rootfs").put("type", "layers").set("diff_ids", diffIds);
        return service.images().put(json.writeValueAsBytes(config));
    }

    private Image register(Root dir, byte[] rawConfig, List<String> layerFiles) throws IOException {
        ImageConfig config;
        try {
            config = json.readValue(rawConfig, ImageConfig.class);
        } catch (IOException e) {
            throw EngineException.invalid("invalid image config in the archive: " + e.getMessage());
        }
        if (config.diffIds().size() != layerFiles.size()) {
            throw EngineException.invalid("the image config lists " + config.diffIds().size() + " layers but the archive has "
                    + layerFiles.size());
        }
        Layer parent = null;
        for (int i = 0; i < layerFiles.size(); i++) {
            try (InputStream in = open(dir, layerFiles.get(i))) {
                parent = service.addLayer(in, parent);
            }
            if (!parent.diffId().equals(config.diffIds().get(i))) {
                throw EngineException.invalid("layer " + (i + 1) + " of the archive has diff ID " + parent.diffId()
                        + " but the image config expects " + config.diffIds().get(i));
            }
        }
        return service.images().put(rawConfig);
    }

    private void tag(Image image, List<String> names) throws IOException {
        if (names.isEmpty()) {
            loaded.add("Loaded image ID: " + image.id());
            return;
        }
        for (String name : names) {
            ImageReference reference = ImageReference.parse(name);
            service.references().put(reference, image.id());
            loaded.add("Loaded image: " + reference.familiar());
        }
    }

    private JsonNode read(Root dir, String name) throws IOException {
        try {
            return json.readTree(bytes(dir, file(dir, name)));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw EngineException.invalid("invalid JSON in " + name + " of the archive: " + e.getOriginalMessage());
        }
    }

    /** A file the archive's own JSON names, checked to be a regular file inside the unpacked archive. */
    private static String file(Root dir, String name) throws IOException {
        if (!isFile(dir, name)) {
            throw EngineException.invalid("the archive names " + name + ", which it does not contain");
        }
        return name;
    }

    private static boolean isFile(Root dir, String name) throws IOException {
        return dir.find(name, true).map(Stat::isRegularFile).orElse(false);
    }

    private static InputStream open(Root dir, String name) throws IOException {
        return Channels.newInputStream(dir.read(name).channel());
    }

    private static byte[] bytes(Root dir, String name) throws IOException {
        try (InputStream in = open(dir, name)) {
            return in.readAllBytes();
        }
    }

    private static String blob(Root dir, JsonNode descriptor) throws IOException {
        String digest = descriptor.path("digest").asText();
        int colon = digest.indexOf(':');
        if (colon <= 0) {
            throw EngineException.invalid("invalid descriptor digest " + digest + " in the archive");
        }
        return file(dir, "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1));
    }

    private static boolean hasLegacyImages(Root dir) throws IOException {
        for (String entry : dir.top().list()) {
            if (isFile(dir, entry + "/json") && isFile(dir, entry + "/layer.tar")) {
                return true;
            }
        }
        return false;
    }
}
