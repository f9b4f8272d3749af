package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;

/**
 * Signs requests to one registry for one operation. It starts without an Authorization header; when the
 * registry answers 401, it reads the challenge: {@code Basic} sends the user and password, {@code Bearer} fetches
 * a token from the challenge's realm for the operation's scopes (with the user and password, or the identity
 * token as an OAuth refresh token, or the registry token as is) and sends that from then on.
 */
final class RegistryAuthenticator {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final ObjectMapper json;
    private final RegistryCredentials credentials;
    private final List<String> scopes;
    private volatile String authorization;

    RegistryAuthenticator(HttpClient http, ObjectMapper json, RegistryCredentials credentials, List<String> scopes) {
        this.http = http;
        this.json = json;
        this.credentials = credentials;
        this.scopes = List.copyOf(scopes);
    }

    /** The Authorization header to send, or null while none is known to be needed. */
    String authorization() {
        return authorization;
    }

    /**
     * Answers the challenges of a 401 (the value of its WWW-Authenticate header). Returns false when nothing
     * new can be tried (no challenge understood, or the credentials were already sent and refused).
     */
    synchronized boolean answer(String wwwAuthenticate, String failedAuthorization) throws IOException, InterruptedException {
        if (authorization != null && !authorization.equals(failedAuthorization)) {
            return true; // another request answered the challenge meanwhile
        }
        for (AuthChallenge challenge : AuthChallenge.parse(wwwAuthenticate)) {
            if (challenge.scheme().equals("bearer") && challenge.param("realm") != null) {
                String token = fetchToken(challenge);
                String next = "Bearer " + token;
                if (next.equals(failedAuthorization)) {
                    return false;
                }
                authorization = next;
                return true;
            }
            if (challenge.scheme().equals("basic") && credentials.hasPassword()) {
                String next = credentials.basicAuthorization();
                if (next.equals(failedAuthorization)) {
                    return false;
                }
                authorization = next;
                return true;
            }
        }
        return false;
    }

    private String fetchToken(AuthChallenge challenge) throws IOException, InterruptedException {
        if (credentials.registryToken() != null) {
            return credentials.registryToken();
        }
        String realm = challenge.param("realm");
        String service = challenge.param("service");
        HttpResponse<byte[]> response;
        if (credentials.identityToken() != null) {
            StringJoiner form = new StringJoiner("&");
            form.add("grant_type=refresh_token").add("client_id=docker").add("refresh_token=" + encode(credentials.identityToken()));
            if (service != null) {
                form.add("service=" + encode(service));
            }
            scopes.forEach(scope -> form.add("scope=" + encode(scope)));
            response = http.send(HttpRequest.newBuilder(URI.create(realm)).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofByteArray());
        } else {
            StringJoiner query = new StringJoiner("&");
            if (service != null) {
                query.add("service=" + encode(service));
            }
            scopes.forEach(scope -> query.add("scope=" + encode(scope)));
            if (scopes.isEmpty()) {
                query.add("offline_token=true").add("client_id=docker"); // a login: ask for a refresh token
            }
            URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
            if (credentials.hasPassword()) {
                request.header("Authorization", credentials.basicAuthorization());
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw RegistryException.unauthorized("unauthorized: the token server " + realm + " refused "
                    + (credentials.hasPassword() ? "the user " + credentials.username() : "anonymous access")
                    + " (" + response.statusCode() + "); check the credentials (docker login)");
        }
        if (response.statusCode() / 100 != 2) {
            throw RegistryException.failed("the token server " + realm + " answered " + response.statusCode());
        }
        JsonNode body = json.readTree(response.body());
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw RegistryException.failed("the token server " + realm + " sent no token");
        }
        return token;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
