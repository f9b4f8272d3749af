package io.jmachine.engine.network.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server on loopback with an in-memory directory, over real UDP and TCP sockets; the "host resolver" it
 * forwards to is another loopback socket that answers every query with one A record.
 */
class NetworkDnsServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger upstreamQueries = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private NetworkDnsServer server(List<ContainerNames.Member> members, boolean forwards, List<InetSocketAddress> upstreams)
            throws Exception {
        DnsResponder.Directory directory = new DnsResponder.Directory() {
            @Override
            public List<ContainerNames.Member> members() {
                return members;
            }

            @Override
            public List<InetSocketAddress> upstreamsFor(String networkId, String sourceIp) {
                return upstreams;
            }

            @Override
            public boolean forwards(String networkId) {
                return forwards;
            }
        };
        NetworkDnsServer server = NetworkDnsServer.start("net1", LOOPBACK, 0,
                new DnsResponder(directory, new DnsForwarder(Duration.ofMillis(500))));
        closeables.add(server);
        return server;
    }

    /** The loopback address is the asking "container" on net1. */
    private static List<ContainerNames.Member> members() {
        return List.of(new ContainerNames.Member("net1", "accnet", "a".repeat(64), "client", List.of(), "127.0.0.1"),
                new ContainerNames.Member("net1", "accnet", "b".repeat(64), "srv", List.of("web"), "10.5.0.3"));
    }

    private InetSocketAddress fakeUpstream() throws Exception {
        DatagramSocket socket = new DatagramSocket(0, LOOPBACK);
        closeables.add(socket);
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    upstreamQueries.incrementAndGet();
                    byte[] answer = DnsMessage.parseQuery(packet.getData(), packet.getLength()).answer(List.of(new byte[] {(byte) 198, 51, 100, 7}), 60);
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        });
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static byte[] askUdp(InetSocketAddress server, byte[] query) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, LOOPBACK)) {
            socket.setSoTimeout(3000);
            socket.send(new DatagramPacket(query, query.length, server));
            byte[] buffer = new byte[512];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            socket.receive(answer);
            return java.util.Arrays.copyOf(buffer, answer.getLength());
        }
    }

    @Test
    void answersContainerNamesAndAliasesOverUdp() throws Exception {
        NetworkDnsServer server = server(members(), true, List.of());
        byte[] answer = askUdp(server.address(), DnsQueries.query(1, "srv", DnsMessage.TYPE_A));
        assertEquals(DnsMessage.NOERROR, DnsMessage.rcodeOf(answer));
        assertEquals(List.of("10.5.0.3"), DnsQueries.addresses(answer));
        assertEquals(List.of("10.5.0.3"), DnsQueries.addresses(askUdp(server.address(), DnsQueries.query(2, "web", DnsMessage.TYPE_A))));
        byte[] aaaa = askUdp(server.address(), DnsQueries.query(3, "srv", DnsMessage.TYPE_AAAA));
        assertEquals(DnsMessage.NOERROR, DnsMessage.rcodeOf(aaaa), "a known name without IPv6 is NOERROR, not NXDOMAIN");
        assertEquals(0, DnsQueries.answerCount(aaaa));
    }

    @Test
    void answersOverTcpSeveralQueriesOnOneConnection() throws Exception {
        NetworkDnsServer server = server(members(), true, List.of());
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int id = 10; id < 12; id++) {
                byte[] query = DnsQueries.query(id, "srv", DnsMessage.TYPE_A);
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                byte[] answer = in.readNBytes(in.readUnsignedShort());
                assertEquals(id, DnsQueries.id(answer));
                assertEquals(List.of("10.5.0.3"), DnsQueries.addresses(answer));
            }
        }
    }

    @Test
    void unknownNamesGoToTheUpstreamAndItsAnswerComesBack() throws Exception {
        NetworkDnsServer server = server(members(), true, List.of(fakeUpstream()));
        byte[] answer = askUdp(server.address(), DnsQueries.query(77, "example.org", DnsMessage.TYPE_A));
        assertEquals(77, DnsQueries.id(answer));
        assertEquals(List.of("198.51.100.7"), DnsQueries.addresses(answer));
        assertEquals(1, upstreamQueries.get());
    }

    @Test
    void anInternalNetworkForwardsNothing() throws Exception {
        NetworkDnsServer server = server(members(), false, List.of(fakeUpstream()));
        byte[] answer = askUdp(server.address(), DnsQueries.query(5, "example.org", DnsMessage.TYPE_A));
        assertEquals(DnsMessage.NXDOMAIN, DnsMessage.rcodeOf(answer));
        assertEquals(0, upstreamQueries.get());
        assertEquals(List.of("10.5.0.3"), DnsQueries.addresses(askUdp(server.address(), DnsQueries.query(6, "srv", DnsMessage.TYPE_A))),
                "its own names still resolve");
    }

    @Test
    void noUpstreamAnsweringIsServfail() throws Exception {
        DatagramSocket silent = new DatagramSocket(0, LOOPBACK);
        closeables.add(silent);
        NetworkDnsServer server = server(members(), true, List.of((InetSocketAddress) silent.getLocalSocketAddress()));
        assertEquals(DnsMessage.SERVFAIL, DnsMessage.rcodeOf(askUdp(server.address(), DnsQueries.query(8, "example.org", DnsMessage.TYPE_A))));
    }

    @Test
    void queriesFromOutsideTheNetworkAreRefused() throws Exception {
        List<ContainerNames.Member> elsewhere = List.of(new ContainerNames.Member("net1", "accnet", "b".repeat(64), "srv", List.of(), "10.5.0.3"));
        NetworkDnsServer server = server(elsewhere, true, List.of(fakeUpstream()));
        assertEquals(DnsMessage.REFUSED, DnsMessage.rcodeOf(askUdp(server.address(), DnsQueries.query(4, "srv", DnsMessage.TYPE_A))));
        assertEquals(0, upstreamQueries.get(), "the host is not an open resolver for whoever reaches the bridge");
    }
}
