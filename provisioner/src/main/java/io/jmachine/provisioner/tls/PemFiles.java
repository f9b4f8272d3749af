package io.jmachine.provisioner.tls;

import io.jmachine.provisioner.store.AtomicFiles;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

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

    public static X509Certificate readCertificate(Path file) throws IOException {
        Object object = readObject(file);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new IOException(file + " holds no PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(file + " holds a certificate that cannot be decoded: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        Object object = readObject(file);
        if (!(object instanceof PrivateKeyInfo info)) {
            throw new IOException(file + " holds no PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        return new JcaPEMKeyConverter().getPrivateKey(info);
    }

    private static Object readObject(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (object == null) {
                throw new IOException(file + " holds no PEM object");
            }
            return object;
        }
    }
}
