package io.jmachine.provisioner.engine;

import io.jmachine.provisioner.tls.PemFiles;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
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
            // one key, handed over as is: a KeyManagerFactory wants a KeyStore, and a PKCS12 one encrypts the key on the
            // way in and decrypts it on the way out (PBKDF2, 10,000 rounds each), most of `ls`'s TLS set-up
            KeyManager keyManager = new ClientKeyManager(PemFiles.readPrivateKey(clientKey),
                    new X509Certificate[] {PemFiles.readCertificate(clientCert)});

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, trusting(caCert), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + caCert + ", " + clientCert + " and " + clientKey + ": " + e.getMessage(), e);
        }
    }

    /** Trust in the certificates one CA signed, and in no other: each side of jmachine's mutual TLS. */
    static TrustManager[] trusting(Path caCert) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemFiles.readCertificate(caCert));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        return trustManagers.getTrustManagers();
    }
}
