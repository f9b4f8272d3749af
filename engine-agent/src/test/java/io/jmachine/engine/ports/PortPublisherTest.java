package io.jmachine.engine.ports;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.engine.errors.EngineException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy on loopback sockets: a thread here plays the container (127.0.0.1 stands in for its address), so
 * relaying, half-close, UDP sessions, refusals and restore are checked without an engine.
 */
class PortPublisherTest {

    private static final String ID = "a".repeat(64);
    private static final String OTHER = "b".repeat(64);

    @TempDir
    Path dir;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private PortPublisher publisher() {
        PortPublisher publisher = new PortPublisher(new ProxyTransport(2),
                new PublishedPortStore(dir.resolve("ports"), JsonMapper.builder().build()), Duration.ofMillis(500));
        cleanup.add(publisher);
        return publisher;
    }

    /** A TCP server that answers each connection with the SHA-256 of everything it read up to the client's FIN. */
    private int digestServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[65536];
                    InputStream in = s.getInputStream();
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                    s.getOutputStream().write(sha.digest());
                } catch (Exception e) {
                    // the server socket closed
                }
            }
        });
        return server.getLocalPort();
    }

    private int udpEchoServer() throws IOException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        cleanup.add(socket);
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[65535];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    byte[] reply = ("echo " + new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        return socket.getLocalPort();
    }

    private static PortRequest tcp(int containerPort, String ip, int hostPort) {
        return new PortRequest(new ContainerPort(containerPort, Protocol.TCP), ip, hostPort, hostPort);
    }

    @Test
    void tcpBytesArriveUnchangedAndTheReplyComesBackAfterAHalfClose() throws Exception {
        int target = digestServer();
        List<PublishedPort> ports = publisher().publish(ID, "web", "127.0.0.1", List.of(tcp(target, "127.0.0.1", 0)));
        assertEquals(1, ports.size());
        byte[] data = new byte[32 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        try (Socket client = new Socket("127.0.0.1", ports.get(0).hostPort())) {
            OutputStream out = client.getOutputStream();
            out.write(data);
            client.shutdownOutput();
            byte[] digest = client.getInputStream().readAllBytes();
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest);
        }
    }

    @Test
    void udpDatagramsGoThroughAPerClientSessionThatExpiresWhenIdle() throws Exception {
        int target = udpEchoServer();
        PortPublisher publisher = publisher();
        PublishedPort port = publisher.publish(ID, "dns", "127.0.0.1",
                List.of(new PortRequest(new ContainerPort(target, Protocol.UDP), "127.0.0.1", 0, 0))).get(0);
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            for (String word : List.of("one", "two")) {
                byte[] out = word.getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", port.hostPort())));
                DatagramPacket reply = new DatagramPacket(new byte[100], 100);
                client.receive(reply);
                assertEquals("echo " + word, new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
                assertEquals(port.hostPort(), reply.getPort(), "replies come from the published port");
            }
        }
        UdpForwarder forwarder = (UdpForwarder) publisher.forwarders(ID).get(0);
        assertEquals(1, forwarder.sessionCount());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (forwarder.sessionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, forwarder.sessionCount(), "the idle session was dropped");
    }

    @Test
    void aPortAnotherProcessHoldsRefusesThePublishAndNothingStaysOpen() throws Exception {
        int target = digestServer();
        ServerSocket foreign = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(foreign);
        PortPublisher publisher = publisher();
        EngineException e = assertThrows(EngineException.class, () -> publisher.publish(ID, "clash", "127.0.0.1",
                List.of(tcp(target, "127.0.0.1", 0), tcp(target, "127.0.0.1", foreign.getLocalPort()))));
        assertTrue(e.getMessage().contains("address already in use"), e.getMessage());
        assertTrue(e.getMessage().contains("endpoint clash"), e.getMessage());
        assertEquals(List.of(), publisher.published(ID));
        assertTrue(publisher.recorded(ID).isEmpty());
    }

    @Test
    void aPortAnotherContainerHoldsIsAlreadyAllocatedUntilItIsUnpublished() throws Exception {
        int target = digestServer();
        PortPublisher publisher = publisher();
        int hostPort = publisher.publish(ID, "web", "127.0.0.1", List.of(tcp(target, "0.0.0.0", 0))).get(0).hostPort();
        EngineException e = assertThrows(EngineException.class,
                () -> publisher.publish(OTHER, "clash", "127.0.0.1", List.of(tcp(target, "127.0.0.1", hostPort))));
        assertTrue(e.getMessage().contains("port is already allocated"), e.getMessage());
        publisher.unpublish(ID);
        assertFalse(listening(hostPort), "the port closed");
        assertEquals(hostPort, publisher.publish(OTHER, "web2", "127.0.0.1", List.of(tcp(target, "127.0.0.1", hostPort))).get(0).hostPort());
        assertTrue(listening(hostPort));
    }

    @Test
    void aNewPublisherRestoresTheSamePortsAndASweepForgetsTheGone() throws Exception {
        int target = digestServer();
        PortPublisher first = publisher();
        PublishedPort port = first.publish(ID, "web", "127.0.0.1", List.of(tcp(target, "127.0.0.1", 0))).get(0);
        first.publish(OTHER, "gone", "127.0.0.1", List.of(tcp(target, "127.0.0.1", 0)));
        first.close();
        assertFalse(listening(port.hostPort()), "listeners die with the engine");

        PortPublisher second = publisher();
        assertEquals(1, second.sweep(Set.of(ID)));
        assertTrue(second.recorded(OTHER).isEmpty());
        assertEquals(List.of(port), second.restore(ID, "127.0.0.1"));
        assertEquals(List.of(port), second.published(ID));
        assertTrue(listening(port.hostPort()));
    }

    @Test
    void aRetargetedPortKeepsItsHostPortAndForwardsToTheNewAddress() throws Exception {
        int port = wordServer("127.0.0.1", 0, "first");
        wordServer("127.0.0.2", port, "second");
        PortPublisher publisher = publisher();
        assertFalse(publisher.isPublishing(ID));
        PublishedPort published = publisher.publish(ID, "web", "127.0.0.1", List.of(tcp(port, "127.0.0.1", 0))).get(0);
        assertTrue(publisher.isPublishing(ID));
        assertEquals("first", read(published.hostPort()));

        assertEquals(List.of(published), publisher.retarget(ID, "127.0.0.2"));
        assertEquals("second", read(published.hostPort()), "the same host port, the new address");
        assertEquals(List.of(published), publisher.retarget(ID, "127.0.0.2"), "the same address again changes nothing");
        assertEquals("second", read(published.hostPort()));

        publisher.unpublish(ID);
        assertFalse(publisher.isPublishing(ID));
        assertFalse(listening(published.hostPort()));
    }

    /** A TCP server on {@code ip:port} (0: any port) that writes {@code word} to each client; returns its port. */
    private int wordServer(String ip, int port, String word) throws IOException {
        ServerSocket server = new ServerSocket(port, 50, InetAddress.getByName(ip));
        cleanup.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(word.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the server socket closed
                }
            }
        });
        return server.getLocalPort();
    }

    private static String read(int hostPort) throws IOException {
        try (Socket client = new Socket("127.0.0.1", hostPort)) {
            client.setSoTimeout(5000);
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
