package io.jmachine.engine.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemKeysTest {

    @TempDir
    Path dir;

    @Test
    void ecAndRsaKeysInPkcs8PemAreReadAsTheKeysTheyAre() throws Exception {
        for (String algorithm : new String[] {"EC", "RSA"}) {
            KeyPair pair = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            Path file = pem(algorithm.toLowerCase() + ".pem", pair.getPrivate());

            PrivateKey read = PemKeys.readPkcs8(file);

            assertEquals(algorithm, read.getAlgorithm());
            assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
        }
    }

    @Test
    void aFileWithoutAPkcs8KeyIsRefusedWithItsName() throws Exception {
        Path file = dir.resolve("server-key.pem");
        Files.writeString(file, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY-----\n");

        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> PemKeys.readPkcs8(file));

        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("PKCS#8"), e.getMessage());
    }

    private Path pem(String name, PrivateKey key) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return file;
    }
}
