package io.jmachine.engine.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** A private key from a PEM file in PKCS#8 ("BEGIN PRIVATE KEY"), as openssl 3 and jmachine write them. */
final class PemKeys {

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";
    private static final String[] ALGORITHMS = {"EC", "RSA", "Ed25519"};

    private PemKeys() {
    }

    static PrivateKey readPkcs8(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END, Math.max(begin, 0));
        if (begin < 0 || end < 0) {
            throw new GeneralSecurityException(pem + " holds no PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        // PKCS#8 names the key's algorithm by an OID that KeyFactory does not read for us: the kinds a TLS key is, in turn
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // the next kind
            }
        }
        throw new GeneralSecurityException(pem + " holds a PKCS#8 key of a kind TLS cannot use here (EC, RSA or Ed25519)");
    }
}
