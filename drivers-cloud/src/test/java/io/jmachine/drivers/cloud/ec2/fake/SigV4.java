package io.jmachine.drivers.cloud.ec2.fake;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Checks an AWS Signature Version 4 as AWS does: the canonical request rebuilt from what arrived, signed with the key
 * derived from the secret for the scope the client named. Returns why it does not match, or empty when it does.
 */
final class SigV4 {

    private SigV4() {
    }

    /**
     * @param headers a request header by name, case-insensitive
     * @param query   the raw query string (null for none)
     */
    static Optional<String> check(String method, String path, String query, Function<String, String> headers, byte[] body,
                                  String accessKey, String secretKey) {
        String authorization = headers.apply("Authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return Optional.of("no AWS4-HMAC-SHA256 Authorization header");
        }
        Map<String, String> parts = new TreeMap<>();
        for (String part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            String[] kv = part.strip().split("=", 2);
            parts.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        String[] credential = parts.getOrDefault("Credential", "").split("/");
        if (credential.length != 5 || !credential[0].equals(accessKey)) {
            return Optional.of("unknown access key in " + parts.get("Credential"));
        }
        String amzDate = headers.apply("X-Amz-Date");
        if (amzDate == null) {
            return Optional.of("no X-Amz-Date header");
        }
        String signedHeaders = parts.getOrDefault("SignedHeaders", "");
        StringBuilder canonical = new StringBuilder();
        canonical.append(method).append('\n').append(path.isEmpty() ? "/" : path).append('\n').append(canonicalQuery(query)).append('\n');
        for (String name : signedHeaders.split(";")) {
            String value = headers.apply(name);
            canonical.append(name).append(':').append(value == null ? "" : value.strip().replaceAll("\\s+", " ")).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(hex(sha256(body)));
        String scope = String.join("/", credential[1], credential[2], credential[3], credential[4]);
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), credential[1]);
        key = hmac(key, credential[2]);
        key = hmac(key, credential[3]);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, toSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts.getOrDefault("Signature", "").getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("signature mismatch; canonical request was:\n" + canonical);
        }
        return Optional.empty();
    }

    private static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            sorted.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.isEmpty() ? "" : "&").append(k).append('=').append(v));
        return out.toString();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
