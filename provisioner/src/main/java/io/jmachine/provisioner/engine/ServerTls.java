package io.jmachine.provisioner.engine;

import io.jmachine.provisioner.tls.PemFiles;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/** The server side of mutual TLS on loopback, for stand-in engines: the CLI's start-up training and tests. */
public final class ServerTls {

    private ServerTls() {
    }

    /** Listens on a free loopback port with {@code cert} and {@code key}, accepting only clients that {@code caCert} signed. */
    public static SSLServerSocket listenOnLoopback(Path caCert, Path cert, Path key, int backlog) throws IOException {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", PemFiles.readPrivateKey(key), password, new X509Certificate[] {PemFiles.readCertificate(cert)});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), ClientTls.trusting(caCert), null);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, backlog, InetAddress.getLoopbackAddress());
            server.setNeedClientAuth(true);
            return server;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot listen with mutual TLS from " + cert + " and " + key + ": " + e.getMessage(), e);
        }
    }
}
