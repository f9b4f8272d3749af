package io.jmachine.engine;

import io.jmachine.engine.config.ConfigException;
import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.config.EngineConfig;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TestCertificates;
import io.jmachine.engine.testing.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real engine in this JVM, driven by the real docker CLI over a unix socket and over mutual TLS. */
class EngineIT {

    @TempDir
    Path dir;

    /** A bridge and subnet of its own: the host may route the default 172.29.0.0/16 elsewhere, which the engine refuses. */
    private TestNetwork network;

    @org.junit.jupiter.api.BeforeEach
    void pickNetwork() throws Exception {
        network = TestNetwork.pick();
    }

    @org.junit.jupiter.api.AfterEach
    void removeBridge() throws Exception {
        network.removeBridge();
    }

    private EngineConfig config(Map<String, Object> extra) {
        Map<String, Object> flags = new java.util.HashMap<>(Map.of(
                "hosts", List.of("unix://" + dir.resolve("engine.sock")),
                "data-root", dir.resolve("data").toString(), "exec-root", dir.resolve("exec").toString(),
                "bridge", network.bridge(), "bip", network.subnet()));
        flags.putAll(extra);
        return ConfigLoader.load(flags, null);
    }

    @Test
    void theDockerCliNegotiatesOverTheUnixSocket() throws Exception {
        try (Engine engine = Engine.start(config(Map.of()))) {
            DockerCli docker = DockerCli.unix(dir.resolve("engine.sock"));
            DockerCli.Result version = docker.run("version", "--format", "{{.Server.APIVersion}} {{.Server.Os}}");
            assertEquals(0, version.exitCode(), version.err());
            assertEquals("1.50 linux", version.out().trim());
            DockerCli.Result info = docker.run("info", "--format", "{{.OSType}} {{.DockerRootDir}}");
            assertEquals("linux " + dir.resolve("data"), info.out().trim(), info.err());
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("engine.sock"))));
            assertTrue(Files.exists(dir.resolve("exec/jmachine-engine.pid")));
        }
        assertFalse(Files.exists(dir.resolve("engine.sock")), "the socket goes with the engine");
        assertFalse(Files.exists(dir.resolve("exec/jmachine-engine.pid")), "the pidfile goes with the engine");
    }

    @Test
    void theEngineIdSurvivesARestart() throws Exception {
        String first;
        try (Engine engine = Engine.start(config(Map.of()))) {
            first = DockerCli.unix(dir.resolve("engine.sock")).run("info", "--format", "{{.ID}}").out().trim();
        }
        try (Engine engine = Engine.start(config(Map.of()))) {
            assertEquals(first, DockerCli.unix(dir.resolve("engine.sock")).run("info", "--format", "{{.ID}}").out().trim());
        }
        assertTrue(first.matches("[0-9a-f-]{36}"), first);
    }

    @Test
    void aSecondEngineOnTheSameDataRootIsRefused() {
        try (Engine engine = Engine.start(config(Map.of()))) {
            ConfigException e = assertThrows(ConfigException.class, () -> Engine.start(config(Map.of(
                    "hosts", List.of("unix://" + dir.resolve("other.sock")), "exec-root", dir.resolve("exec2").toString()))));
            assertTrue(e.getMessage().contains("is in use by another jmachine-engine"), e.getMessage());
        }
    }

    @Test
    void aSocketThatStillAnswersIsNotTakenOver() {
        try (Engine engine = Engine.start(config(Map.of()))) {
            ConfigException e = assertThrows(ConfigException.class, () -> Engine.start(config(Map.of(
                    "data-root", dir.resolve("data2").toString(), "exec-root", dir.resolve("exec2").toString()))));
            assertTrue(e.getMessage().contains("already listens"), e.getMessage());
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Files.createFile(dir.resolve("engine.sock"));
        try (Engine engine = Engine.start(config(Map.of()))) {
            assertEquals(0, DockerCli.unix(dir.resolve("engine.sock")).run("version").exitCode());
        }
    }

    @Test
    void tcpWithMutualTlsServesClientsWithACertificateOnly() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (Engine engine = Engine.start(config(Map.of(
                "hosts", List.of("tcp://127.0.0.1:" + port),
                "tlsverify", true, "tlscacert", certs.ca().toString(),
                "tlscert", certs.serverCert().toString(), "tlskey", certs.serverKey().toString())))) {
            DockerCli withCert = new DockerCli(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port,
                    "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.clientDir().toString()));
            DockerCli.Result ok = withCert.run("version", "--format", "{{.Server.APIVersion}}");
            assertEquals(0, ok.exitCode(), ok.err());
            assertEquals("1.50", ok.out().trim());

            // TLS without a client certificate: the handshake is refused
            Path noCert = Files.createDirectories(dir.resolve("no-cert"));
            Files.copy(certs.ca(), noCert.resolve("ca.pem"));
            DockerCli anonymous = new DockerCli(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port,
                    "DOCKER_TLS", "1", "DOCKER_CERT_PATH", noCert.toString()));
            DockerCli.Result refused = anonymous.run("version", "--format", "{{.Server.APIVersion}}");
            assertNotEquals(0, refused.exitCode(), refused.out());

            // plain HTTP on the TLS port gets nothing useful
            DockerCli plain = new DockerCli(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + port));
            assertNotEquals(0, plain.run("version", "--format", "{{.Server.APIVersion}}").exitCode());

            // TLS 1.1 is not offered
            assertThrows(SSLException.class, () -> handshake(certs.ca(), port, "TLSv1.1"));
        }
    }

    private static void handshake(Path ca, int port, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null);
        try (var in = new FileInputStream(ca.toFile())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
        }
    }
}
