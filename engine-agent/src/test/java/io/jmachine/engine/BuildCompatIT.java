package io.jmachine.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.LoopbackRegistry;
import io.jmachine.engine.testing.TarBuilder;
import io.jmachine.engine.testing.UnixHttp;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker build as clients drive it beyond the CLI's defaults (docker-py sends gzip contexts, extra hosts, cache-from,
 * a network), the image's OnBuild, POST /build/prune and GET /distribution/{name}/json. The same tests run against
 * dockerd (-Djmachine.peer.host).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildCompatIT {

    static final String IMAGE = "localhost/i11img/busybox:1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    DockerCli docker;
    final List<String> images = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", "-c", "CMD [\"sh\"]", BusyboxRootfs.tar(dir).toString(), IMAGE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            for (String image : images.reversed()) {
                docker.run("rmi", "-f", image);
            }
            docker.run("rmi", IMAGE);
            engine.close();
        }
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out().trim();
    }

    /** POST /build with {@code body} as the context and these query parameters; the stream's JSON lines. */
    List<JsonNode> build(String query, Map<String, String> headers, byte[] body) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/x-tar");
        UnixHttp.Response response = UnixHttp.request(engine.socket(), "POST", "/v1.41/build?" + query, all, body);
        assertEquals(200, response.status(), response.text());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.text().split("\r?\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    static String streamText(List<JsonNode> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.path("stream").asText("")).append(line.has("error") ? "ERROR " + line : ""));
        return text.toString();
    }

    static byte[] context(String dockerfile, String... files) {
        TarBuilder tar = new TarBuilder().file("Dockerfile", dockerfile);
        for (String file : files) {
            tar.file(file, "content of " + file + "\n");
        }
        return tar.build();
    }

    interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    static byte[] compressed(byte[] data, Compressor compressor) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = compressor.wrap(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    String tag(String name) {
        String tag = "localhost/i11img/" + name + ":1";
        images.add(tag);
        return tag;
    }

    @Test
    void compressedContextsBuildWithOrWithoutContentEncoding() throws Exception {
        byte[] context = context("FROM " + IMAGE + "\nADD . /test\nRUN cat /test/data\n", "data");
        record Case(String name, byte[] body, Map<String, String> headers) {}
        List<Case> cases = List.of(
                new Case("gzip, Content-Encoding: gzip (docker-py's gzip=True)", compressed(context, GzipCompressorOutputStream::new),
                        Map.of("Content-Encoding", "gzip")),
                new Case("gzip", compressed(context, GzipCompressorOutputStream::new), Map.of()),
                new Case("bzip2", compressed(context, BZip2CompressorOutputStream::new), Map.of()),
                new Case("xz", compressed(context, XZCompressorOutputStream::new), Map.of()));
        for (Case c : cases) {
            List<JsonNode> lines = build("nocache=1&t=" + tag("compressed-" + cases.indexOf(c)), c.headers(), c.body());
            String text = streamText(lines);
            assertTrue(text.contains("content of data") && text.contains("Successfully built"), c.name() + ": " + text);
        }
    }

    @Test
    void extraHostsAreInTheRunContainersHostsFile() throws Exception {
        String image = tag("extrahosts");
        String query = "t=" + image + "&extrahosts=" + URLEncoder.encode("extrahost.local.test:127.0.0.1", StandardCharsets.UTF_8)
                + "&extrahosts=" + URLEncoder.encode("hello.world.test:127.0.0.2", StandardCharsets.UTF_8);
        String text = streamText(build(query, Map.of(), context("FROM " + IMAGE + "\nRUN ping -c1 -W2 extrahost.local.test\n"
                + "RUN cp /etc/hosts /hosts-file\n")));
        assertTrue(text.contains("Successfully built"), text);
        String hosts = ok("run", "--rm", image, "cat", "/hosts-file");
        assertTrue(hosts.contains("127.0.0.1\textrahost.local.test"), hosts);
        assertTrue(hosts.contains("127.0.0.2\thello.world.test"), hosts);
    }

    @Test
    void runContainersJoinTheNetworkTheBuildNames() throws Exception {
        String network = "i11img-buildnet";
        ok("network", "create", network);
        String target = ok("run", "-d", "--network", network, "--network-alias", "pingtarget.i11img", IMAGE, "sleep", "120");
        try {
            String text = streamText(build("nocache=1&networkmode=" + network + "&t=" + tag("onnet"), Map.of(),
                    context("FROM " + IMAGE + "\nRUN ping -c1 -W3 pingtarget.i11img\n")));
            assertTrue(text.contains("1 packets received") && text.contains("Successfully built"), text);

            // forcerm: dockerd keeps a failed step's container otherwise (this engine never does)
            List<JsonNode> none = build("nocache=1&forcerm=1&networkmode=none&t=" + tag("nonet"), Map.of(),
                    context("FROM " + IMAGE + "\nRUN ping -c1 -W1 pingtarget.i11img\n"));
            JsonNode last = none.getLast();
            assertTrue(last.has("errorDetail"), last.toString());
            assertEquals(1, last.path("errorDetail").path("code").asInt(), last.toString());
        } finally {
            ok("rm", "-f", target);
            ok("network", "rm", network);
        }
    }

    /** The steps of a build that used the cache: " ---> Using cache" lines. */
    static long cacheHits(String output) {
        return output.lines().filter(line -> line.contains("Using cache")).count();
    }

    @Test
    void cacheFromServesOnlyFromTheNamedImagesEvenAfterASaveAndLoad() throws Exception {
        Path context = Files.createDirectories(dir.resolve("cache-from"));
        // a line of its own per run, so no earlier build of the shared peer serves it
        Files.writeString(context.resolve("Dockerfile"), "FROM " + IMAGE + "\nENV FOO=bar-" + System.nanoTime()
                + "\nRUN touch baz\nRUN touch bax\n");
        String first = tag("cache-first");
        ok("build", "-t", first, context.toString());
        String again = tag("cache-again");
        assertEquals(3, cacheHits(ok("build", "--cache-from", first, "-t", again, context.toString())), "ENV, RUN, RUN from the source");
        String unrelated = tag("cache-unrelated");
        assertEquals(0, cacheHits(ok("build", "--cache-from", "localhost/i11img/nosuch:1", "-t", unrelated, context.toString())),
                "named sources that do not exist leave no cache at all, not even the local one");

        // without its intermediate images, the source serves from its history and layers
        String firstId = ok("image", "inspect", "-f", "{{.Id}}", first);
        Path saved = dir.resolve("first.tar");
        ok("save", "-o", saved.toString(), first);
        List<String> steps = ok("history", "-q", first).lines().limit(3).toList();
        ok("rmi", first, again, unrelated);
        for (String step : steps) {
            assertNotEquals(0, docker.run("image", "inspect", step).exitCode(), "the step image " + step + " is gone");
        }
        ok("load", "-i", saved.toString());
        String restored = tag("cache-restored");
        assertEquals(3, cacheHits(ok("build", "--cache-from", first, "-t", restored, context.toString())));
        assertEquals(firstId, ok("image", "inspect", "-f", "{{.Id}}", restored), "the last step is the source itself");
    }

    @Test
    void theImageConfigKeepsOnBuild() throws Exception {
        String parent = tag("onbuild-parent");
        String text = streamText(build("t=" + parent, Map.of(), context("FROM " + IMAGE + "\nONBUILD RUN echo triggered\n")));
        assertTrue(text.contains("Successfully built"), text);
        JsonNode config = JSON.readTree(UnixHttp.request(engine.socket(), "GET", "/v1.41/images/" + parent + "/json", Map.of(), null)
                .text()).path("Config");
        assertEquals("[\"RUN echo triggered\"]", config.path("OnBuild").toString());

        String child = tag("onbuild-child");
        String childText = streamText(build("t=" + child, Map.of(), context("FROM " + parent + "\nENV A=b\n")));
        assertTrue(childText.contains("triggered"), childText);
        JsonNode childConfig = JSON.readTree(UnixHttp.request(engine.socket(), "GET", "/v1.41/images/" + child + "/json", Map.of(),
                null).text()).path("Config");
        assertTrue(childConfig.has("OnBuild") && childConfig.path("OnBuild").isNull(), "a trigger runs once: " + childConfig);
    }

    @Test
    void buildPruneAnswersAsDockerd() throws Exception {
        UnixHttp.Response prune = UnixHttp.request(engine.socket(), "POST", "/v1.41/build/prune", Map.of(), null);
        assertEquals(200, prune.status(), prune.text());
        JsonNode report = JSON.readTree(prune.text());
        assertTrue(report.has("CachesDeleted") && (report.path("CachesDeleted").isNull() || report.path("CachesDeleted").isArray()),
                prune.text());
        assertTrue(report.path("SpaceReclaimed").isIntegralNumber(), prune.text());

        UnixHttp.Response badFilter = UnixHttp.request(engine.socket(), "POST",
                "/v1.41/build/prune?filters=" + URLEncoder.encode("{\"bogus\":{\"x\":true}}", StandardCharsets.UTF_8), Map.of(), null);
        assertEquals(400, badFilter.status(), badFilter.text());
        assertTrue(badFilter.text().contains("Invalid filter 'bogus'"), badFilter.text());
        UnixHttp.Response until = UnixHttp.request(engine.socket(), "POST",
                "/v1.41/build/prune?filters=" + URLEncoder.encode("{\"until\":{\"10m\":true}}", StandardCharsets.UTF_8), Map.of(), null);
        assertEquals(200, until.status(), until.text());
        UnixHttp.Response keep = UnixHttp.request(engine.socket(), "POST", "/v1.41/build/prune?keep-storage=abc", Map.of(), null);
        assertEquals(500, keep.status(), keep.text());
    }

    @Test
    void distributionInspectAsksTheRegistry() throws Exception {
        try (LoopbackRegistry registry = LoopbackRegistry.start(dir.resolve("registry"), null)) {
            String name = registry.address() + "/i11img/busybox";
            ok("tag", IMAGE, name + ":1");
            images.add(name + ":1");
            String pushed = ok("push", name + ":1");
            String digest = pushed.replaceAll("(?s).*digest: (sha256:[0-9a-f]{64}).*", "$1");
            UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET", "/v1.41/distribution/" + name + ":1/json", Map.of(), null);
            assertEquals(200, response.status(), response.text());
            JsonNode inspect = JSON.readTree(response.text());
            assertEquals("application/vnd.docker.distribution.manifest.v2+json", inspect.path("Descriptor").path("mediaType").asText());
            assertEquals(digest, inspect.path("Descriptor").path("digest").asText());
            assertTrue(inspect.path("Descriptor").path("size").asLong() > 0, response.text());
            assertEquals("[{\"architecture\":\"amd64\",\"os\":\"linux\"}]", inspect.path("Platforms").toString());

            UnixHttp.Response byDigest = UnixHttp.request(engine.socket(), "GET", "/v1.41/distribution/" + name + "@" + digest + "/json",
                    Map.of(), null);
            assertEquals(200, byDigest.status(), byDigest.text());
            assertEquals(digest, JSON.readTree(byDigest.text()).path("Descriptor").path("digest").asText());
            UnixHttp.Response missing = UnixHttp.request(engine.socket(), "GET", "/v1.41/distribution/" + name + ":nosuch/json",
                    Map.of(), null);
            assertNotEquals(200, missing.status(), missing.text());
            assertFalse(missing.text().isBlank());
        }
    }
}
