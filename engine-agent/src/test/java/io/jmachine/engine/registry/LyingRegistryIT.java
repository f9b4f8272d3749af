package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jmachine.engine.image.Digest;
import io.jmachine.engine.image.Image;
import io.jmachine.engine.image.ImageService;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pulls from a registry that lies (a tiny HTTP server in the test, on loopback, behind bearer-token auth): a
 * wrong digest, a truncated blob, a manifest over 4 MiB, a layer that expands past the cap. Each is a clean
 * error and leaves the store exactly as it was: the same images, references and files.
 */
class LyingRegistryIT {

    private static final long MAX_LAYER_BYTES = 1 << 20;
    private static final String TOKEN = "good-token";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Response> routes = new ConcurrentHashMap<>();
    private HttpServer server;
    private String registry;
    private ImageService images;
    private RegistryService service;

    private record Response(byte[] body, String contentType, long declaredLength) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
        registry = "127.0.0.1:" + server.getAddress().getPort();
        images = ImageService.open(dir.resolve("data"));
        service = new RegistryService(images.distribution(), new RegistryHosts(List.of(), List.of()),
                dir.resolve("data/image/distribution"), MAX_LAYER_BYTES, json);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/token")) {
                String basic = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
                boolean ok = basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                        && exchange.getRequestURI().getRawQuery().contains("scope=repository%3Aacc%2F");
                send(exchange, ok ? 200 : 401, ("{\"token\":\"" + TOKEN + "\"}").getBytes(StandardCharsets.UTF_8), -1);
                return;
            }
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + registry + "/token\",service=\"liar\"");
                send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"
                        .getBytes(StandardCharsets.UTF_8), -1);
                return;
            }
            Response response = routes.get(path);
            if (response == null) {
                send(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"
                        .getBytes(StandardCharsets.UTF_8), -1);
                return;
            }
            if (response.contentType() != null) {
                exchange.getResponseHeaders().add("Content-Type", response.contentType());
            }
            send(exchange, 200, response.body(), response.declaredLength());
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body, long declared) throws IOException {
        long length = declared >= 0 ? declared : body.length;
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body, 0, (int) Math.min(body.length, length));
        }
    }

    /** A gzipped layer tar holding one file, and its diff ID. */
    private record Layer(byte[] gzip, Digest diffId) {
        Digest digest() {
            return Digest.of(gzip);
        }
    }

    private static Layer layer(String name, byte[] content) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            out.putArchiveEntry(entry);
            out.write(content);
            out.closeArchiveEntry();
        }
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(tar.toByteArray());
        }
        return new Layer(gzip.toByteArray(), Digest.of(tar.toByteArray()));
    }

    /** Publishes an image; {@code served} replaces what the registry sends for a layer's blob (by index). */
    private void publish(String repo, String tag, List<Layer> layers, Map<Integer, Response> served) throws IOException {
        List<String> diffIds = layers.stream().map(l -> l.diffId().toString()).toList();
        byte[] config = json.writeValueAsBytes(Map.of("architecture", Platform.host().architecture(), "os", "linux",
                "config", Map.of("Cmd", List.of("true")), "rootfs", Map.of("type", "layers", "diff_ids", diffIds)));
        routes.put("/v2/" + repo + "/blobs/" + Digest.of(config), new Response(config, null, -1));
        List<Map<String, Object>> descriptors = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            descriptors.add(Map.of("mediaType", Manifest.DOCKER_LAYER_GZIP, "digest", layer.digest().toString(), "size", layer.gzip().length));
            routes.put("/v2/" + repo + "/blobs/" + layer.digest(), served.getOrDefault(i, new Response(layer.gzip(), null, -1)));
        }
        byte[] manifest = json.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", Manifest.DOCKER_V2,
                "config", Map.of("mediaType", Manifest.DOCKER_CONFIG, "digest", Digest.of(config).toString(), "size", config.length),
                "layers", descriptors));
        routes.put("/v2/" + repo + "/manifests/" + tag, new Response(manifest, Manifest.DOCKER_V2, -1));
    }

    private List<String> pull(String name, RegistryCredentials credentials) throws IOException {
        List<String> lines = new ArrayList<>();
        ProgressWriter progress = new ProgressWriter(line -> lines.add(json.writeValueAsString(line)));
        service.pull(service.preparePull(registry + "/" + name, null, null, credentials), progress);
        return lines;
    }

    private static final RegistryCredentials USER = new RegistryCredentials("u", "p", null, null);

    /** Every file under the image store and the layers, with its size; and the image list. */
    private Map<String, Long> storeState() throws IOException {
        Map<String, Long> state = new TreeMap<>();
        for (String root : List.of("image", "overlay2")) {
            try (Stream<Path> files = Files.walk(dir.resolve("data").resolve(root))) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    state.put(dir.relativize(file).toString(), Files.isRegularFile(file) ? Files.size(file) : -1);
                }
            }
        }
        images.all().forEach(image -> state.put("image " + image.id() + " " + images.repoTags(image.id()), 0L));
        return state;
    }

    private void assertRefusedAndUnchanged(String name, String why) throws IOException {
        Map<String, Long> before = storeState();
        Exception failure = assertThrows(Exception.class, () -> pull(name, USER));
        assertTrue(failure.getMessage().contains(why), failure.getMessage());
        assertEquals(before, storeState());
    }

    @Test
    void aGoodImageBehindBearerAuthPullsAndAnonymousIsRefused() throws IOException {
        Layer base = layer("base.txt", "base\n".getBytes(StandardCharsets.UTF_8));
        Layer top = layer("top.txt", "top\n".getBytes(StandardCharsets.UTF_8));
        publish("acc/good", "1", List.of(base, top), Map.of());

        RegistryException anonymous = assertThrows(RegistryException.class, () -> pull("acc/good:1", RegistryCredentials.ANONYMOUS));
        assertEquals(io.jmachine.engine.errors.EngineException.Kind.UNAUTHORIZED, anonymous.kind(), anonymous.getMessage());

        List<String> lines = pull("acc/good:1", USER);
        assertTrue(lines.getLast().contains("Status: Downloaded newer image for " + registry + "/acc/good:1"), lines.toString());
        Image image = images.resolve(registry + "/acc/good:1");
        assertEquals(List.of(base.diffId(), top.diffId()), image.config().diffIds());
        List<String> again = pull("acc/good:1", USER);
        assertTrue(again.getLast().contains("Status: Image is up to date for " + registry + "/acc/good:1"), again.toString());
        assertTrue(again.stream().noneMatch(line -> line.contains("Pulling fs layer")), "nothing is fetched twice: " + again);
    }

    @Test
    void everyLieIsACleanErrorThatLeavesTheStoreAsItWas() throws IOException {
        Layer base = layer("base.txt", "base\n".getBytes(StandardCharsets.UTF_8));
        publish("acc/good", "1", List.of(base), Map.of());
        pull("acc/good:1", USER);

        Layer fine = layer("fine.txt", "fine\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        Layer lied = layer("lied.txt", "the real content\n".getBytes(StandardCharsets.UTF_8));
        byte[] other = lied.gzip().clone();
        other[other.length - 9] ^= 1; // same length, another digest (inside the gzip CRC, so it also fails to inflate or verify)
        publish("acc/digest", "1", List.of(base, fine, lied), Map.of(2, new Response(other, null, -1)));
        assertRefusedAndUnchanged("acc/digest:1", "blob " + lied.digest() + " failed verification");

        Layer whole = layer("big.bin", new byte[200_000]);
        publish("acc/truncated", "1", List.of(base, whole), Map.of(1, new Response(whole.gzip(), null, whole.gzip().length / 2)));
        assertRefusedAndUnchanged("acc/truncated:1", "truncated");

        routes.put("/v2/acc/huge/manifests/1", new Response(new byte[(4 << 20) + 100], Manifest.DOCKER_V2, -1));
        assertRefusedAndUnchanged("acc/huge:1", "larger than 4194304 bytes");

        Layer bomb = layer("zeros.bin", new byte[(int) MAX_LAYER_BYTES * 2]);
        assertTrue(bomb.gzip().length < 10_000, "a small blob that expands");
        publish("acc/bomb", "1", List.of(base, fine, bomb), Map.of());
        assertRefusedAndUnchanged("acc/bomb:1", "expands to more than " + MAX_LAYER_BYTES);

        Layer mismatch = layer("x.txt", "x\n".getBytes(StandardCharsets.UTF_8));
        Layer claimed = layer("y.txt", "y\n".getBytes(StandardCharsets.UTF_8));
        publish("acc/diffid", "1", List.of(new Layer(mismatch.gzip(), claimed.diffId())), Map.of());
        assertRefusedAndUnchanged("acc/diffid:1", "but the image config says");

        assertRefusedAndUnchanged("acc/good:missing", "manifest unknown");
        assertEquals(1, images.all().size());
    }
}
