package io.jmachine.provisioner.engine;

import io.jmachine.provisioner.tls.PemFiles;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/** The client side of mutual TLS from the PEM files the docker CLI uses (DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem). */
public record ClientTls(Path caCert, Path clientCert, Path clientKey) {

    /** The three files of a DOCKER_CERT_PATH folder. */
    public static ClientTls inDirectory(Path certPath) {
        return new ClientTls(certPath.resolve("ca.pem"), certPath.resolve("cert.pem"), certPath.resolve("key.pem"));
    }

    public SSLContext sslContext() throws IOException {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", PemFiles.readPrivateKey(clientKey), password,
                    new X509Certificate[] {PemFiles.readCertificate(clientCert)});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", PemFiles.readCertificate(caCert));
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + caCert + ", " + clientCert + " and " + clientKey + ": " + e.getMessage(), e);
        }
    }
}
