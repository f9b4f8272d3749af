package io.jmachine.provisioner.engine;

import io.jmachine.provisioner.tls.CertificateAuthority;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * The one-time work of a JVM's first TLS handshake with an engine, done on a thread of its own while a CLI verb that
 * is about to ask engines builds its command line (which leaves the second core idle):
 * <ul>
 * <li>the tables of the curve's generator, which every signature made or checked in the handshake needs (the CA's on
 * the engine's certificate, the engine's, the client's own): ~90 ms in a JVM that just started;</li>
 * <li>the JDK's list of public CAs, which its host name check reads from cacerts (140 certificates parsed).</li>
 * </ul>
 * Each is set up once under a class's lock, so without this every handshake of `ls` waits for the first to do it.
 */
public final class HandshakeWarmUp {

    /** Internal, and named here because only a handshake loads it otherwise; a JDK without it skips that part. */
    private static final String PUBLIC_CAS = "sun.security.util.AnchorCertificates";

    private HandshakeWarmUp() {
    }

    public static Thread start() {
        return Thread.ofPlatform().daemon().name("handshake-warm-up").start(HandshakeWarmUp::run);
    }

    static void run() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CertificateAuthority.CURVE));
            generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            // a JVM without the curve: the handshake says so
        }
        try {
            Class.forName(PUBLIC_CAS);
        } catch (ClassNotFoundException | LinkageError e) {
            // another JDK: nothing to set up ahead
        }
    }
}
