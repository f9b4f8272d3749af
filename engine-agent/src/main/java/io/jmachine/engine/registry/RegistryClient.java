package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.image.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The Docker Registry HTTP API v2 (OCI distribution) for one repository on one registry: manifests, blobs,
 * uploads and mounts. Requests are signed by a {@link RegistryAuthenticator}; a 401 is answered once and the
 * request sent again. Registry errors become {@link RegistryException}s worded as dockerd words them.
 */
final class RegistryClient {

    /** Registries cap manifests at 4 MiB too; more is a registry that lies or a mistake, never read into memory. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    record FetchedManifest(byte[] body, String contentType, Digest digest) {
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI base;
    private final String repository;
    private final RegistryAuthenticator auth;

    RegistryClient(HttpClient http, ObjectMapper json, URI base, String repository, RegistryAuthenticator auth) {
        this.http = http;
        this.json = json;
        this.base = base;
        this.repository = repository;
        this.auth = auth;
    }

    URI base() {
        return base;
    }

    String repository() {
        return repository;
    }

    /** The manifest {@code reference} (a tag or a digest) names; a digest reference must match the bytes. */
    FetchedManifest manifest(String reference, String shownName) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = send(() -> request("/manifests/" + reference).header("Accept", Manifest.ACCEPT).GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 404) {
            String why = errorOf(response);
            throw RegistryException.notFound("manifest for " + shownName + " not found: " + why);
        }
        check(response, "fetching the manifest of " + shownName);
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (body.length > MAX_MANIFEST_BYTES) {
            throw RegistryException.failed("the manifest of " + shownName + " is larger than " + MAX_MANIFEST_BYTES
                    + " bytes (4 MiB), the most a registry may serve: refused");
        }
        Digest digest = Digest.of(body);
        if (Digest.isDigest(reference) && !digest.toString().equals(reference)) {
            throw RegistryException.failed("the manifest the registry sent for " + shownName + " has digest " + digest
                    + ", not " + reference + ": refused");
        }
        return new FetchedManifest(body, response.headers().firstValue("Content-Type").orElse(null), digest);
    }

    /** The blob's bytes as they arrive; the caller checks its digest and closes it. */
    InputStream blob(Digest digest) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = send(() -> request("/blobs/" + digest).GET(), HttpResponse.BodyHandlers.ofInputStream());
        check(response, "fetching blob " + digest);
        return response.body();
    }

    /** A small blob (a config) read whole and checked against its descriptor. */
    byte[] smallBlob(Descriptor descriptor, int limit) throws IOException, InterruptedException {
        if (descriptor.size() > limit) {
            throw RegistryException.failed("blob " + descriptor.digest() + " is " + descriptor.size() + " bytes, more than the "
                    + limit + " an image config may have: refused");
        }
        byte[] body;
        try (InputStream in = blob(descriptor.digest())) {
            body = in.readNBytes(limit + 1);
        }
        Digest actual = Digest.of(body);
        if (body.length != descriptor.size() || !actual.equals(descriptor.digest())) {
            throw RegistryException.failed("blob " + descriptor.digest() + " from " + base + " does not match its descriptor (got "
                    + body.length + " bytes with digest " + actual + "): refused");
        }
        return body;
    }

    boolean blobExists(Digest digest) throws IOException, InterruptedException {
        HttpResponse<Void> response = send(() -> request("/blobs/" + digest).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 404) {
            return false;
        }
        check(response, "checking for blob " + digest);
        return true;
    }

    /**
     * Asks the registry to link a blob it holds for {@code fromRepository} into this one. False when it would not
     * (it then opened an upload instead, which is cancelled).
     */
    boolean mount(Digest digest, String fromRepository) throws IOException, InterruptedException {
        String query = "?mount=" + encode(digest.toString()) + "&from=" + encode(fromRepository);
        HttpResponse<InputStream> response = send(() -> request("/blobs/uploads/" + query).POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 201) {
            response.body().close();
            return true;
        }
        check(response, "mounting blob " + digest + " from " + fromRepository);
        response.body().close();
        response.headers().firstValue("Location").ifPresent(location -> {
            try {
                send(() -> HttpRequest.newBuilder(base.resolve(location)).timeout(TIMEOUT).DELETE(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException ignored) {
                // an abandoned upload expires in the registry
            }
        });
        return false;
    }

    /** Uploads {@code size} bytes as the blob {@code digest} in one PUT; {@code progress} hears the bytes sent so far. */
    void upload(Digest digest, long size, Supplier<InputStream> content, LongConsumer progress) throws IOException, InterruptedException {
        HttpResponse<InputStream> start = send(() -> request("/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofInputStream());
        check(start, "starting the upload of blob " + digest);
        start.body().close();
        String location = start.headers().firstValue("Location")
                .orElseThrow(() -> RegistryException.failed("the registry started an upload without saying where to (no Location)"));
        URI target = base.resolve(location);
        URI put = URI.create(target + (target.getRawQuery() == null ? "?" : "&") + "digest=" + encode(digest.toString()));
        HttpResponse<InputStream> response = send(() -> HttpRequest.newBuilder(put).timeout(TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> counting(content.get(), progress)), size)),
                HttpResponse.BodyHandlers.ofInputStream());
        check(response, "uploading blob " + digest);
        response.body().close();
    }

    /** Stores a manifest under a tag; returns its digest as the registry computed it. */
    Digest putManifest(String tag, String mediaType, byte[] body) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = send(() -> request("/manifests/" + tag).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofInputStream());
        check(response, "storing the manifest of " + repository + ":" + tag);
        response.body().close();
        return Digest.of(body);
    }

    /** GET /v2/: whether the credentials are taken (a login). */
    void ping() throws IOException, InterruptedException {
        HttpResponse<InputStream> response = send(() -> HttpRequest.newBuilder(base.resolve("/v2/")).timeout(Duration.ofSeconds(30)).GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        if (response.statusCode() == 401) {
            throw RegistryException.unauthorized("login attempt to " + base.resolve("/v2/") + " failed with status: 401 Unauthorized");
        }
        if (response.statusCode() / 100 != 2) {
            throw RegistryException.failed("login attempt to " + base.resolve("/v2/") + " failed with status: " + response.statusCode());
        }
    }

    private HttpRequest.Builder request(String suffix) {
        return HttpRequest.newBuilder(base.resolve("/v2/" + repository + suffix)).timeout(TIMEOUT);
    }

    private <T> HttpResponse<T> send(Supplier<HttpRequest.Builder> request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder builder = request.get();
            String authorization = auth.authorization();
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            HttpResponse<T> response;
            try {
                response = http.send(builder.build(), handler);
            } catch (java.net.ConnectException e) {
                throw RegistryException.unreachable("cannot reach the registry at " + base + ": connection refused");
            }
            if (response.statusCode() != 401 || attempt > 0) {
                return response;
            }
            closeQuietly(response);
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse(null);
            if (!auth.answer(challenge, authorization)) {
                return response;
            }
        }
    }

    private void check(HttpResponse<?> response, String what) throws IOException {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String why = errorOf(response);
        if (status == 401 || status == 403) {
            throw RegistryException.unauthorized(what + " at " + base + " was refused: " + why
                    + " (the repository may not exist, or it may need docker login)");
        }
        throw new RegistryException(status == 404 ? EngineException.Kind.NOT_FOUND : EngineException.Kind.INTERNAL, what + " at " + base + " failed: " + why);
    }

    /** The registry's error body ({"errors":[{"code","message"}]}) as dockerd shows it: "manifest unknown: manifest unknown". */
    private String errorOf(HttpResponse<?> response) throws IOException {
        byte[] body = new byte[0];
        if (response.body() instanceof InputStream in) {
            try (in) {
                body = in.readNBytes(64 * 1024);
            }
        }
        try {
            JsonNode errors = json.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                JsonNode first = errors.get(0);
                String code = first.path("code").asText("").toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
                return code + ": " + first.path("message").asText(code);
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the status
        }
        return "status " + response.statusCode();
    }

    private static void closeQuietly(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // only releases the connection
            }
        }
    }

    private static InputStream counting(InputStream content, LongConsumer progress) {
        return new java.io.FilterInputStream(new java.io.BufferedInputStream(content, 1 << 16)) {
            private long sent;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    sent += n;
                    progress.accept(sent);
                }
                return n;
            }
        };
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static List<String> scopes(String repository, boolean push) {
        return List.of("repository:" + repository + (push ? ":pull,push" : ":pull"));
    }
}
