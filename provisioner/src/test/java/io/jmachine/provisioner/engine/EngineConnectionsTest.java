package io.jmachine.provisioner.engine;

import io.jmachine.provisioner.tls.CertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineConnectionsTest {

    @TempDir
    Path dir;

    @Test
    void prepareSetsUpTlsOnItsOwnThreadForTheClientsOfTheSameFiles() throws Exception {
        CertificateAuthority ca = new CertificateAuthority(dir.resolve("certs"), "ann", Clock.systemUTC());
        ca.bootstrap();
        // a machine's copies of the store's files, as `create` leaves them
        Path machine = Files.createDirectories(dir.resolve("machines/m1"));
        Files.copy(ca.caCert(), machine.resolve("ca.pem"));
        Files.copy(ca.clientCert(), machine.resolve("cert.pem"));
        Files.copy(ca.clientKey(), machine.resolve("key.pem"));
        EngineConnections connections = new EngineConnections();

        connections.prepare(ClientTls.inDirectory(dir.resolve("certs"))).join();
        assertEquals(1, connections.setUps());

        assertNotNull(connections.client(URI.create("tcp://127.0.0.1:2376"), ClientTls.inDirectory(machine)));
        assertEquals(1, connections.setUps(), "the machine's copies use the prepared set-up");
    }

    @Test
    void prepareOfMissingFilesLeavesTheErrorToTheClient() throws Exception {
        EngineConnections connections = new EngineConnections();
        ClientTls missing = ClientTls.inDirectory(dir.resolve("nowhere"));

        connections.prepare(missing).join();

        assertEquals(0, connections.setUps());
        IOException e = assertThrows(IOException.class, () -> connections.client(URI.create("tcp://127.0.0.1:2376"), missing));
        assertTrue(e.getMessage().contains(dir.resolve("nowhere").toString()), e.getMessage());
    }
}
