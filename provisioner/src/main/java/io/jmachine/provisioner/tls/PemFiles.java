package io.jmachine.provisioner.tls;

import io.jmachine.provisioner.store.AtomicFiles;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** Certificates and keys as the engine and the docker CLI read them: PEM, keys in PKCS#8, keys readable by the owner only. */
public final class PemFiles {

    private PemFiles() {
    }

    public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        try {
            AtomicFiles.write(file, pem("CERTIFICATE", certificate.getEncoded()), AtomicFiles.READABLE);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode certificate for " + file, e);
        }
    }

    /** PKCS#8 ("BEGIN PRIVATE KEY"), mode 0600. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        AtomicFiles.write(file, pem("PRIVATE KEY", key.getEncoded()), AtomicFiles.OWNER_ONLY);
    }

    private static byte[] pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    // reading goes through the JDK alone: Bouncy Castle's classes come from signed jars whose verification costs a
    // short-lived CLI (`env`, `ls`) more than the read itself; writing and signing (create, regenerate-certs) keep it

    public static X509Certificate readCertificate(Path file) throws IOException {
        byte[] der = readObject(file, "CERTIFICATE", "holds no PEM certificate");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IOException(file + " holds a certificate that cannot be decoded: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        byte[] der = readObject(file, "PRIVATE KEY", "holds no PKCS#8 private key (BEGIN PRIVATE KEY)");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        // PKCS#8 names the algorithm inside; the JDK wants it up front, so try the kinds keys come in
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
                // another algorithm's key
            }
        }
        throw new IOException(file + " holds a private key of none of " + KEY_ALGORITHMS);
    }

    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");

    /** The first PEM block's bytes; fails with {@code missing} when the first block is not of {@code type}. */
    private static byte[] readObject(Path file, String type, String missing) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            throw new IOException(file + " holds no PEM object");
        }
        String header = "-----BEGIN " + type + "-----";
        String footer = "-----END " + type + "-----";
        int end = text.indexOf(footer, begin);
        if (!text.startsWith(header, begin) || end < 0) {
            throw new IOException(file + " " + missing);
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(begin + header.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds a PEM block that is not base64: " + e.getMessage(), e);
        }
    }
}
