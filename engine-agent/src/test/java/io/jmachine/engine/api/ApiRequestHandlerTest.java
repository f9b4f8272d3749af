package io.jmachine.engine.api;

import io.jmachine.engine.errors.EngineException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request path in memory: raw HTTP bytes in, raw HTTP bytes out, handlers run on the calling thread. */
class ApiRequestHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path spool;


    private final Router router = new Router()
            .get("/_ping", exchange -> exchange.header("Builder-Version", "1").text(200, "text/plain; charset=utf-8", "OK"))
            .head("/_ping", exchange -> exchange.text(200, "text/plain; charset=utf-8", "OK"))
            .get("/containers/{id}/json", exchange -> exchange.json(200, Map.of(
                    "Id", exchange.request().pathParam("id"), "Version", exchange.request().version().toString())))
            .post("/boom", exchange -> {
                throw new IllegalStateException("disk on fire");
            })
            .post("/upload", exchange -> {
                long total = 0;
                try (var in = exchange.request().body().stream()) {
                    byte[] buffer = new byte[65536];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        for (int i = 0; i < n; i++) {
                            total += buffer[i];
                        }
                    }
                }
                exchange.json(200, Map.of("Length", exchange.request().body().length(), "Sum", total,
                        "Spooled", java.nio.file.Files.list(this.spool).count()));
            })
            .post("/create", exchange -> {
                Create create = exchange.readJson(Create.class);
                exchange.json(201, Map.of("Image", create.Image(), "Tty", create.Tty()));
            })
            .post("/conflict", exchange -> {
                throw EngineException.conflict("container abc is not running");
            });

    private FullHttpResponse exchange(String rawRequest) {
        EmbeddedChannel server = new EmbeddedChannel(new ApiChannelInitializer(null, router, JSON, Runnable::run, spool));
        server.writeInbound(Unpooled.copiedBuffer(rawRequest, StandardCharsets.ISO_8859_1));
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1024 * 1024));
        // the client codec pairs responses with requests: tell it one went out
        client.writeOutbound(new io.netty.handler.codec.http.DefaultFullHttpRequest(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1, rawRequest.startsWith("HEAD") ? io.netty.handler.codec.http.HttpMethod.HEAD
                : io.netty.handler.codec.http.HttpMethod.GET, "/"));
        client.releaseOutbound();
        ByteBuf out;
        while ((out = server.readOutbound()) != null) {
            client.writeInbound(out);
        }
        return client.readInbound();
    }

    record Create(String Image, boolean Tty) {}

    private static JsonNode body(FullHttpResponse response) throws Exception {
        return JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
    }

    @Test
    void pingAnswersOkWithDockersHeaders() {
        FullHttpResponse response = exchange("GET /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n");
        assertEquals(200, response.status().code());
        assertEquals("OK", response.content().toString(StandardCharsets.UTF_8));
        assertEquals("1.50", response.headers().get("Api-Version"));
        assertEquals("linux", response.headers().get("Ostype"));
        assertEquals("1", response.headers().get("Builder-Version"));
        assertTrue(response.headers().get("Server").matches("^Docker/.+ \\((.+)\\)$"), response.headers().get("Server"));
    }

    @Test
    void headPingHasHeadersAndNoBody() {
        FullHttpResponse response = exchange("HEAD /_ping HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(200, response.status().code());
        assertEquals(0, response.content().readableBytes());
        assertEquals("1.50", response.headers().get("Api-Version"));
    }

    @Test
    void versionedAndUnversionedPathsReachTheSameRoute() throws Exception {
        JsonNode versioned = body(exchange("GET /v1.41/containers/abc/json HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("abc", versioned.get("Id").asText());
        assertEquals("1.41", versioned.get("Version").asText());
        JsonNode plain = body(exchange("GET /containers/abc/json HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("1.50", plain.get("Version").asText());
    }

    @Test
    void versionsOutOfRangeGetDockersWording() throws Exception {
        FullHttpResponse tooNew = exchange("GET /v1.99/containers/abc/json HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(400, tooNew.status().code());
        assertEquals("client version 1.99 is too new. Maximum supported API version is 1.50", body(tooNew).get("message").asText());
        FullHttpResponse tooOld = exchange("GET /v1.12/containers/abc/json HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(400, tooOld.status().code());
        assertTrue(body(tooOld).get("message").asText().startsWith("client version 1.12 is too old. Minimum supported API version is 1.24"));
    }

    @Test
    void unknownRoutesAre404PageNotFoundAsJson() throws Exception {
        FullHttpResponse response = exchange("GET /v1.50/nothing/here HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(404, response.status().code());
        assertEquals("application/json", response.headers().get("Content-Type"));
        assertEquals("page not found", body(response).get("message").asText());
    }

    @Test
    void aKnownPathWithTheWrongMethodIs405() {
        assertEquals(405, exchange("DELETE /_ping HTTP/1.1\r\nHost: x\r\n\r\n").status().code());
    }

    @Test
    void serviceErrorsKeepTheirStatusAndUnexpectedOnesAre500() throws Exception {
        FullHttpResponse conflict = exchange("POST /conflict HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertEquals(409, conflict.status().code());
        assertEquals("container abc is not running", body(conflict).get("message").asText());
        FullHttpResponse boom = exchange("POST /boom HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        assertEquals(500, boom.status().code());
        assertEquals("disk on fire", body(boom).get("message").asText());
    }

    @Test
    void aHugeHeaderIsRefusedWith431AndTheConnectionClosed() throws Exception {
        String huge = "X-Big: " + "a".repeat(ApiServer.MAX_HEADER_BYTES + 10) + "\r\n";
        FullHttpResponse response = exchange("GET /_ping HTTP/1.1\r\nHost: x\r\n" + huge + "\r\n");
        assertEquals(431, response.status().code());
        assertTrue(body(response).get("message").asText().startsWith("bad request"), body(response).toString());
        assertEquals("close", response.headers().get("Connection"));
    }

    @Test
    void aLargeUploadIsSpooledToDiskAndTheFileRemovedAfterwards() throws Exception {
        int size = 3 * 1024 * 1024 + 17;
        String payload = "a".repeat(size);
        FullHttpResponse response = exchange("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-tar\r\nContent-Length: "
                + size + "\r\n\r\n" + payload);
        assertEquals(200, response.status().code());
        JsonNode reply = body(response);
        assertEquals(size, reply.get("Length").asLong());
        assertEquals((long) size * 'a', reply.get("Sum").asLong());
        assertEquals(1, reply.get("Spooled").asInt(), "the body was on disk while the handler ran");
        assertEquals(0, java.nio.file.Files.list(spool).count(), "and is gone after it");
    }

    @Test
    void aChunkedUploadArrivesWhole() throws Exception {
        FullHttpResponse response = exchange("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        assertEquals(5, body(response).get("Length").asInt());
    }

    @Test
    void jsonBodiesAreReadAndBadOnesAre400() throws Exception {
        FullHttpResponse ok = exchange(post("/create", "{\"Image\":\"busybox\",\"Tty\":true}"));
        assertEquals(201, ok.status().code());
        assertEquals("busybox", body(ok).get("Image").asText());

        FullHttpResponse malformed = exchange(post("/create", "{\"Image\":"));
        assertEquals(400, malformed.status().code());
        assertTrue(body(malformed).get("message").asText().startsWith("invalid JSON"), body(malformed).toString());

        FullHttpResponse wrongType = exchange(post("/create", "{\"Image\":\"x\",\"Tty\":{\"a\":1}}"));
        assertEquals(400, wrongType.status().code());
        assertTrue(body(wrongType).get("message").asText().contains("at Tty"), body(wrongType).toString());
    }

    private static String post(String path, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }

    @Test
    void aBadVersionPrefixIs404NotACrash() {
        FullHttpResponse response = exchange("GET /v1.x/_ping HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(404, response.status().code());
        assertNull(response.headers().get("X-Never"));
    }
}
