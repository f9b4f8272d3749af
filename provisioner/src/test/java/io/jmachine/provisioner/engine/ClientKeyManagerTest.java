package io.jmachine.provisioner.engine;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ClientKeyManagerTest {

    private final KeyPair ec = generate();
    private final ClientKeyManager manager = new ClientKeyManager(ec.getPrivate(), new X509Certificate[0]);

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("EC").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theKeyIsOfferedWhenTheServerAcceptsItsKind() {
        String alias = manager.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null);
        assertEquals("client", alias);
        assertSame(ec.getPrivate(), manager.getPrivateKey(alias));
    }

    @Test
    void noKeyIsOfferedWhenTheServerWantsAnotherKind() {
        assertNull(manager.chooseEngineClientAlias(new String[] {"RSA"}, null, null));
        assertNull(manager.chooseClientAlias(new String[] {"RSASSA-PSS"}, null, null));
    }

    @Test
    void itNeverActsAsAServer() {
        assertNull(manager.chooseServerAlias("EC", null, null));
        assertNull(manager.getPrivateKey("other"));
    }
}
