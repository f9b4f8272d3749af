package io.jmachine.engine.network.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;

/**
 * The embedded DNS server of one user-defined network: UDP and TCP on the network's gateway address (the
 * host side of its bridge), which containers on it use as their nameserver. Each query is answered on its
 * own virtual thread, since a forwarded one waits on the host's resolver.
 */
public final class NetworkDnsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkDnsServer.class);
    private static final int TCP_IDLE_MILLIS = 10_000;

    private final String networkId;
    private final DnsResponder responder;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile boolean closed;

    private NetworkDnsServer(String networkId, DnsResponder responder, DatagramSocket udp, ServerSocket tcp) {
        this.networkId = networkId;
        this.responder = responder;
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Binds both sockets on {@code address:port} and starts serving. */
    public static NetworkDnsServer start(String networkId, InetAddress address, int port, DnsResponder responder) throws IOException {
        DatagramSocket udp = new DatagramSocket(null);
        ServerSocket tcp = new ServerSocket();
        try {
            udp.setReuseAddress(true);
            udp.bind(new InetSocketAddress(address, port));
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(address, udp.getLocalPort()));
        } catch (IOException e) {
            udp.close();
            tcp.close();
            throw new IOException("cannot listen for DNS on " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        NetworkDnsServer server = new NetworkDnsServer(networkId, responder, udp, tcp);
        Thread.ofVirtual().name("dns-udp-" + networkId.substring(0, Math.min(12, networkId.length()))).start(server::serveUdp);
        Thread.ofVirtual().name("dns-tcp-" + networkId.substring(0, Math.min(12, networkId.length()))).start(server::serveTcp);
        return server;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    private void serveUdp() {
        while (!closed) {
            byte[] buffer = new byte[4096];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("DNS on {} stopped receiving: {}", address(), e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().start(() -> {
                String source = packet.getAddress().getHostAddress();
                Optional<byte[]> answer = responder.respond(packet.getData(), packet.getLength(), networkId, source);
                answer.ifPresent(bytes -> {
                    try {
                        udp.send(new DatagramPacket(bytes, bytes.length, packet.getSocketAddress()));
                    } catch (IOException e) {
                        LOG.debug("cannot answer {}: {}", packet.getSocketAddress(), e.getMessage());
                    }
                });
            });
        }
    }

    private void serveTcp() {
        while (!closed) {
            Socket client;
            try {
                client = tcp.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("DNS on {} stopped accepting: {}", address(), e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().start(() -> serveConnection(client));
        }
    }

    /** RFC 7766: each message has a two-byte length before it; a client may send several on one connection. */
    private void serveConnection(Socket client) {
        try (client) {
            client.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(client.getInputStream());
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            String source = client.getInetAddress().getHostAddress();
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException e) {
                    return;
                }
                byte[] query = in.readNBytes(length);
                if (query.length < length) {
                    return;
                }
                Optional<byte[]> answer = responder.respond(query, length, networkId, source);
                if (answer.isEmpty()) {
                    return;
                }
                out.writeShort(answer.get().length);
                out.write(answer.get());
                out.flush();
            }
        } catch (SocketException e) {
            // the client went away or idled out
        } catch (IOException e) {
            LOG.debug("DNS over TCP from {} failed: {}", client.getRemoteSocketAddress(), e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.debug("closing DNS on {}: {}", address(), e.getMessage());
        }
    }
}
