package io.jmachine.provisioner.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateAuthorityTest {

    @TempDir
    Path dir;

    private CertificateAuthority authority(Clock clock) {
        return new CertificateAuthority(dir.resolve("certs"), "ann", clock);
    }

    @Test
    void bootstrapMakesAnEcdsaCaAndClientCertOnceWithPrivateKeys() throws Exception {
        CertificateAuthority ca = authority(Clock.systemUTC());
        assertTrue(ca.bootstrap());
        String caPem = Files.readString(ca.caCert());
        assertFalse(ca.bootstrap(), "a valid CA is kept");
        assertEquals(caPem, Files.readString(ca.caCert()));

        X509Certificate caCert = PemFiles.readCertificate(ca.caCert());
        assertEquals("EC", caCert.getPublicKey().getAlgorithm());
        assertEquals(256, ((ECPublicKey) caCert.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals(0, caCert.getBasicConstraints(), "a CA that signs only end certificates");
        assertTrue(caCert.getKeyUsage()[5], "keyCertSign");
        assertTrue(caCert.getSubjectX500Principal().getName().contains("O=ann"));

        X509Certificate client = PemFiles.readCertificate(ca.clientCert());
        assertEquals(-1, client.getBasicConstraints());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), client.getExtendedKeyUsage(), "clientAuth only");
        assertTrue(client.getKeyUsage()[0], "digitalSignature");
        verifyChain(caCert, client);

        for (Path key : List.of(ca.caKey(), ca.clientKey())) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        }
        // the client key matches its certificate
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(PemFiles.readPrivateKey(ca.clientKey()));
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(client.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signature));
    }

    @Test
    void serverCertificateCoversEveryAddressPlusLoopbackForServerAuthOnly() throws Exception {
        CertificateAuthority ca = authority(Clock.systemUTC());
        ca.bootstrap();
        Path cert = dir.resolve("m1/server.pem");
        Path key = dir.resolve("m1/server-key.pem");
        ca.issueServerCertificate("m1", List.of("192.168.122.5", "dev1.example", "fe80::1", "192.168.122.5"), cert, key);
        X509Certificate server = PemFiles.readCertificate(cert);
        Set<List<?>> sans = Set.copyOf(server.getSubjectAlternativeNames());
        assertTrue(sans.contains(List.of(7, "192.168.122.5")), sans.toString());
        assertTrue(sans.contains(List.of(2, "dev1.example")), sans.toString());
        assertTrue(sans.contains(List.of(7, "127.0.0.1")), sans.toString());
        assertTrue(sans.contains(List.of(2, "localhost")), sans.toString());
        assertTrue(sans.stream().anyMatch(s -> s.get(0).equals(7) && s.get(1).toString().startsWith("fe80:")), sans.toString());
        assertEquals(5, sans.size(), "no duplicates");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.getExtendedKeyUsage(), "serverAuth only");
        assertEquals(-1, server.getBasicConstraints());
        verifyChain(PemFiles.readCertificate(ca.caCert()), server);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(server.getNotBefore().toInstant().isBefore(Instant.now()), "back-dated for clock skew");
    }

    @Test
    void aCaAboutToExpireIsRenewedAndRegenerateAlwaysMakesANewOne() throws Exception {
        Instant now = Instant.now();
        authority(Clock.fixed(now, ZoneOffset.UTC)).bootstrap();
        byte[] first = PemFiles.readCertificate(dir.resolve("certs/ca.pem")).getEncoded();
        Clock later = Clock.fixed(now.plus(CertificateAuthority.VALIDITY).minus(Duration.ofDays(10)), ZoneOffset.UTC);
        assertTrue(authority(later).bootstrap(), "renewed within " + CertificateAuthority.RENEW_BEFORE + " of expiry");
        byte[] second = PemFiles.readCertificate(dir.resolve("certs/ca.pem")).getEncoded();
        assertNotEquals(List.of(first), List.of(second));
        authority(Clock.systemUTC()).regenerate();
        byte[] third = PemFiles.readCertificate(dir.resolve("certs/ca.pem")).getEncoded();
        assertFalse(java.util.Arrays.equals(second, third));
        assertArrayEquals(third, PemFiles.readCertificate(dir.resolve("certs/ca.pem")).getEncoded());
    }

    private static void verifyChain(X509Certificate ca, X509Certificate leaf) throws Exception {
        KeyStore none = KeyStore.getInstance("PKCS12");
        none.load(null, null);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
    }
}
