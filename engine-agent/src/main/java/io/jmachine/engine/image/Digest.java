package io.jmachine.engine.image;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** A sha256 content digest, written {@code sha256:<64 hex>} as in OCI descriptors and Docker IDs. */
public record Digest(String hex) implements Comparable<Digest> {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    public static final String PREFIX = "sha256:";
    /** The digest of a tar with no entries (two zero records): a layer that changes nothing. */
    public static final Digest EMPTY_TAR = of(new byte[1024]);

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid sha256 digest: " + hex);
        }
    }

    @JsonCreator
    public static Digest parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("invalid digest " + text + ": expected sha256:<64 hex digits>");
        }
        return new Digest(text.substring(PREFIX.length()));
    }

    public static boolean isDigest(String text) {
        return text != null && text.startsWith(PREFIX) && HEX.matcher(text.substring(PREFIX.length())).matches();
    }

    public static Digest of(byte[] content) {
        // small content (IDs, configs, manifests) is quicker in Java than through a native call's setup
        MessageDigest sha = content.length < (1 << 20) ? javaSha256() : sha256();
        return new Digest(HexFormat.of().formatHex(sha.digest(content)));
    }

    /** A SHA-256: libcrypto's where it loads (fast on the engine's C1-only JVM, see {@link NativeSha256}), else Java's. */
    public static MessageDigest sha256() {
        Optional<MessageDigest> fast = NativeSha256.create();
        return fast.isPresent() ? fast.get() : javaSha256();
    }

    private static MessageDigest javaSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Chain IDs as the OCI image spec defines them: ChainID(L0) = DiffID(L0),
     * ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)).
     */
    public static List<Digest> chainIds(List<Digest> diffIds) {
        List<Digest> chain = new java.util.ArrayList<>();
        Digest previous = null;
        for (Digest diffId : diffIds) {
            previous = previous == null ? diffId : of((previous + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chain.add(previous);
        }
        return chain;
    }

    /** The 12-digit short form docker prints. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return PREFIX + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return hex.compareTo(other.hex);
    }
}
