package io.jmachine.engine.network.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sends a query the engine cannot answer to the host's resolvers, over UDP, one after the other until one
 * answers; the answer goes back to the container unchanged. There is no built-in public server: a host
 * without resolvers gives containers no outside names, as on the host itself.
 */
public final class DnsForwarder {

    private static final int MAX_UDP_ANSWER = 65535;

    private final Duration timeout;

    public DnsForwarder(Duration timeout) {
        this.timeout = timeout;
    }

    /** The first upstream answer with the query's ID; empty when none answered in time. */
    public Optional<byte[]> forward(byte[] query, int length, List<InetSocketAddress> upstreams) {
        int id = length >= 2 ? (query[0] & 0xFF) << 8 | (query[1] & 0xFF) : -1;
        for (InetSocketAddress upstream : upstreams) {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout((int) timeout.toMillis());
                socket.connect(upstream);
                socket.send(new DatagramPacket(query, length));
                byte[] buffer = new byte[MAX_UDP_ANSWER];
                long deadline = System.nanoTime() + timeout.toNanos();
                while (System.nanoTime() < deadline) {
                    DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                    socket.receive(answer);
                    // a late answer to an earlier query of the same socket pair is not this one's
                    if (answer.getLength() >= 2 && ((buffer[0] & 0xFF) << 8 | (buffer[1] & 0xFF)) == id) {
                        return Optional.of(java.util.Arrays.copyOf(buffer, answer.getLength()));
                    }
                }
            } catch (SocketTimeoutException e) {
                // try the next one
            } catch (IOException e) {
                // unreachable upstream (no route, port closed): try the next one
            }
        }
        return Optional.empty();
    }
}
