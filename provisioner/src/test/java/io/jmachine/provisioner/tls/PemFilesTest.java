package io.jmachine.provisioner.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void aPrivateKeyReadsBackAsWrittenWhateverItsAlgorithm() throws Exception {
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            KeyPair pair = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            Path file = dir.resolve(algorithm + ".pem");
            PemFiles.writePrivateKey(file, pair.getPrivate());
            PrivateKey read = PemFiles.readPrivateKey(file);
            assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded(), algorithm);
        }
    }

    @Test
    void aCertificateReadsBackAsTheCaWroteIt() throws Exception {
        CertificateAuthority ca = new CertificateAuthority(dir.resolve("certs"), "ann", java.time.Clock.systemUTC());
        ca.bootstrap();
        java.security.cert.X509Certificate certificate = PemFiles.readCertificate(ca.caCert());
        assertTrue(certificate.getSubjectX500Principal().getName().contains("O=ann"), certificate.getSubjectX500Principal().getName());
        certificate.verify(certificate.getPublicKey()); // the CA's own signature holds: the bytes came through whole
    }

    @Test
    void aFileOfAnotherKindSaysWhatItLacks() throws IOException {
        Path rsaPkcs1 = dir.resolve("key.pem");
        Files.writeString(rsaPkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IOException key = assertThrows(IOException.class, () -> PemFiles.readPrivateKey(rsaPkcs1));
        assertTrue(key.getMessage().contains("holds no PKCS#8 private key"), key.getMessage());
        IOException cert = assertThrows(IOException.class, () -> PemFiles.readCertificate(rsaPkcs1));
        assertTrue(cert.getMessage().contains("holds no PEM certificate"), cert.getMessage());
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "not PEM\n");
        assertTrue(assertThrows(IOException.class, () -> PemFiles.readCertificate(empty)).getMessage().contains("holds no PEM object"));
    }
}
