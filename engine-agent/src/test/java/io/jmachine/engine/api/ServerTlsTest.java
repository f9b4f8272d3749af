package io.jmachine.engine.api;

import io.jmachine.engine.config.ConfigException;
import io.jmachine.engine.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTlsTest {

    @TempDir
    Path dir;

    @Test
    void aClientWithTheCasCertificateCompletesTheHandshakeInTls13() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        ServerTls tls = ServerTls.mutual(certs.ca(), certs.serverCert(), certs.serverKey());
        SSLEngine client = client(certs, true);
        SSLEngine server = tls.newHandler().engine();

        new InMemoryHandshake(client, server).run();

        SSLSession session = server.getSession();
        assertEquals("TLSv1.3", session.getProtocol());
        assertTrue(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName().length() > 0);
    }

    @Test
    void aClientWithoutACertificateIsRefusedAfterTheServersFlight() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        ServerTls tls = ServerTls.mutual(certs.ca(), certs.serverCert(), certs.serverKey());

        assertThrows(SSLHandshakeException.class, () -> new InMemoryHandshake(client(certs, false), tls.newHandler().engine()).run());
        tls.warmUp(); // the same handshake, its refusal kept to itself
    }

    @Test
    void aMissingFileIsNamedWithTheFlagsToCheck() {
        Path missing = dir.resolve("nothing.pem");

        ConfigException e = assertThrows(ConfigException.class, () -> ServerTls.mutual(missing, missing, missing));

        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("--tlscacert"), e.getMessage());
    }

    /** The docker CLI's side: trust in the CA, and the client certificate when asked for one. */
    private static SSLEngine client(TestCertificates certs, boolean withCertificate) throws Exception {
        TrustManager[] trust = ServerTls.trusting(certs.ca());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(withCertificate ? clientKeys(certs) : null, trust, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        return engine;
    }

    private static javax.net.ssl.KeyManager[] clientKeys(TestCertificates certs) throws Exception {
        Path clientDir = certs.clientDir();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        X509Certificate cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(java.nio.file.Files.newInputStream(clientDir.resolve("cert.pem")));
        store.setKeyEntry("client", PemKeys.readPkcs8(clientDir.resolve("key.pem")), "x".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, "x".toCharArray());
        return factory.getKeyManagers();
    }
}
