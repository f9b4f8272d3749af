package io.jmachine.engine.api;

import io.jmachine.engine.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.nio.file.Files;
import java.nio.file.Path;

/** Mutual TLS for tcp:// listeners: a client certificate signed by the given CA is required; TLS 1.2 and 1.3 only. */
public final class TlsContexts {

    private TlsContexts() {
    }

    public static SslContext mutualTlsServer(Path caCert, Path cert, Path key) {
        for (Path file : new Path[] {caCert, cert, key}) {
            if (!Files.isReadable(file)) {
                throw new ConfigException("cannot read TLS file " + file + "; check --tlscacert, --tlscert and --tlskey");
            }
        }
        try {
            return SslContextBuilder.forServer(cert.toFile(), key.toFile())
                    .sslProvider(SslProvider.JDK)
                    .trustManager(caCert.toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (Exception e) {
            throw new ConfigException("cannot set up TLS from " + cert + ", " + key + " and " + caCert + ": " + e.getMessage()
                    + " (certificates and keys must be PEM; keys PKCS#8)", e);
        }
    }
}
