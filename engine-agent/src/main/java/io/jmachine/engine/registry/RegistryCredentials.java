package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a client gave to sign in to a registry: a user and password, an identity token (OAuth refresh token
 * from an earlier login) or a registry token (a bearer token used as is). All null means anonymous.
 */
public record RegistryCredentials(String username, String password, String identityToken, String registryToken) {

    public static final RegistryCredentials ANONYMOUS = new RegistryCredentials(null, null, null, null);

    /**
     * The X-Registry-Auth header: base64url JSON ({@code username}, {@code password}, {@code auth},
     * {@code identitytoken}, {@code registrytoken}). Like dockerd, a missing or unreadable header means anonymous:
     * the registry then says whether that is enough.
     */
    public static RegistryCredentials fromHeader(String header, ObjectMapper json) {
        if (header == null || header.isBlank()) {
            return ANONYMOUS;
        }
        try {
            String text = header.strip();
            byte[] decoded = text.contains("+") || text.contains("/") ? Base64.getMimeDecoder().decode(text)
                    : Base64.getUrlDecoder().decode(text.replace("=", ""));
            return fromJson(json.readTree(decoded));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return ANONYMOUS;
        }
    }

    /** An auth config as /auth and X-Registry-Auth carry it; {@code auth} is base64 "user:password". */
    public static RegistryCredentials fromJson(JsonNode node) {
        String username = text(node, "username");
        String password = text(node, "password");
        String auth = text(node, "auth");
        if (username == null && auth != null) {
            String pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon > 0) {
                username = pair.substring(0, colon);
                password = pair.substring(colon + 1);
            }
        }
        return new RegistryCredentials(username, password, text(node, "identitytoken"), text(node, "registrytoken"));
    }

    public boolean hasPassword() {
        return username != null && password != null;
    }

    /** {@code Basic base64(user:password)}. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    @Override
    public String toString() {
        return "RegistryCredentials[" + (username != null ? "user " + username : identityToken != null ? "identity token"
                : registryToken != null ? "registry token" : "anonymous") + "]"; // never the secrets
    }
}
