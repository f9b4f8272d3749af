package io.jmachine.engine.api;

import io.jmachine.engine.config.ConfigException;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;

/**
 * Mutual TLS for tcp:// listeners: a client certificate signed by the given CA is required; TLS 1.2 and 1.3 only,
 * forward-secret AEAD suites only.
 * Built on the JDK's SSLContext directly, not Netty's SslContextBuilder: that one puts the key in a PKCS12 KeyStore
 * (PBKDF2 of 10,000 rounds to store it, as many to take it out) and first sets up a default context that parses the
 * JDK's 140 trusted CAs; under TCG those were seconds of a guest engine's first start.
 */
public final class ServerTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLContext context;
    private final TrustManager[] trust;
    private final String[] cipherSuites;

    private ServerTls(SSLContext context, TrustManager[] trust) {
        this.context = context;
        this.trust = trust;
        this.cipherSuites = Arrays.stream(context.getSupportedSSLParameters().getCipherSuites())
                .filter(ServerTls::forwardSecretAead).toArray(String[]::new);
    }

    /** @throws ConfigException when a file cannot be read or holds no usable certificate or PKCS#8 key */
    public static ServerTls mutual(Path caCert, Path cert, Path key) {
        for (Path file : new Path[] {caCert, cert, key}) {
            if (!Files.isReadable(file)) {
                throw new ConfigException("cannot read TLS file " + file + "; check --tlscacert, --tlscert and --tlskey");
            }
        }
        try {
            X509Certificate[] chain = certificates(cert).toArray(X509Certificate[]::new);
            KeyManager keys = new ServerKeyManager(PemKeys.readPkcs8(key), chain);
            TrustManager[] trust = trusting(caCert);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, trust, null);
            return new ServerTls(context, trust);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException("cannot set up TLS from " + cert + ", " + key + " and " + caCert + ": " + e.getMessage()
                    + " (certificates and keys must be PEM; keys PKCS#8)", e);
        }
    }

    /** A handler for one accepted connection: the server side, a client certificate required. */
    public SslHandler newHandler() {
        return new SslHandler(serverEngine());
    }

    private SSLEngine serverEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setNeedClientAuth(true);
        engine.setEnabledProtocols(PROTOCOLS);
        engine.setEnabledCipherSuites(cipherSuites);
        return engine;
    }

    /**
     * One handshake in memory, so that the first client's does not pay for what a JVM's first handshake sets up (the
     * curves' tables, the handshake's classes, code run once before): 130 ms of 170 on this host's first handshake,
     * seconds in a TCG guest, where create and start wait for exactly that handshake.
     */
    void warmUp() {
        try {
            SSLContext clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, trust, null);
            SSLEngine client = clientContext.createSSLEngine();
            client.setUseClientMode(true);
            new InMemoryHandshake(client, serverEngine()).run();
        } catch (GeneralSecurityException | RuntimeException | IOException expected) {
            // the warm-up's client has no certificate, so the server refuses it at the end, as it must
        }
    }

    // TLS 1.3's suites are all AEAD with ephemeral keys; of TLS 1.2's, the ECDHE ones with GCM or ChaCha20 (as Netty's defaults)
    private static boolean forwardSecretAead(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                || suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("_CHACHA20_"));
    }

    /** Trust in the CAs of the file, and in no other. */
    static TrustManager[] trusting(Path caCert) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int n = 0;
        for (X509Certificate ca : certificates(caCert)) {
            trust.setCertificateEntry("ca" + n++, ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        return factory.getTrustManagers();
    }

    private static Collection<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(pem)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (read.isEmpty()) {
            throw new GeneralSecurityException(pem + " holds no certificate");
        }
        return read.stream().map(X509Certificate.class::cast).toList();
    }
}
