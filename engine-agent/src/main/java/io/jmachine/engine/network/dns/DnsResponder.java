package io.jmachine.engine.network.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers one query that came in on a user-defined network: containers' names from the directory, the
 * rest forwarded (unless the network is internal, whose containers must not learn about the outside).
 */
public final class DnsResponder {

    /** Docker's embedded server gives its records a TTL of 600 s. */
    static final int TTL_SECONDS = 600;

    /** What the server needs to know about the engine's networks and containers, read per query. */
    public interface Directory {

        /** The running containers' endpoints on user-defined networks. */
        List<ContainerNames.Member> members();

        /** Where to send names the engine does not know for this container (its --dns, else the host's). */
        List<InetSocketAddress> upstreamsFor(String networkId, String sourceIp);

        /** False for internal networks: their containers get no outside names. */
        boolean forwards(String networkId);
    }

    private final Directory directory;
    private final DnsForwarder forwarder;

    public DnsResponder(Directory directory, DnsForwarder forwarder) {
        this.directory = directory;
        this.forwarder = forwarder;
    }

    /** The answer to send back; empty to send nothing (a query from outside the network). */
    public Optional<byte[]> respond(byte[] packet, int length, String networkId, String sourceIp) {
        DnsMessage query;
        try {
            query = DnsMessage.parseQuery(packet, length);
        } catch (DnsMessage.MalformedException e) {
            return e.id() < 0 ? Optional.empty() : Optional.of(DnsMessage.headerOnlyError(e.id(), DnsMessage.FORMERR));
        }
        List<ContainerNames.Member> members = directory.members();
        if (!ContainerNames.isMember(networkId, sourceIp, members)) {
            // the listener is on the bridge's address, reachable from the host too: serve only the network
            return Optional.of(query.error(DnsMessage.REFUSED));
        }
        if (query.qclass() == DnsMessage.CLASS_IN) {
            Optional<List<String>> known = ContainerNames.resolve(query.name(), networkId, sourceIp, members);
            if (known.isPresent()) {
                boolean wantsAddresses = query.type() == DnsMessage.TYPE_A || query.type() == DnsMessage.TYPE_ANY;
                // a container's name has no other records: NOERROR and nothing, so resolvers do not look elsewhere
                return Optional.of(query.answer(wantsAddresses ? addresses(known.get()) : List.of(), TTL_SECONDS));
            }
        }
        if (!directory.forwards(networkId)) {
            return Optional.of(query.error(DnsMessage.NXDOMAIN));
        }
        List<InetSocketAddress> upstreams = directory.upstreamsFor(networkId, sourceIp);
        if (upstreams.isEmpty()) {
            return Optional.of(query.error(DnsMessage.SERVFAIL));
        }
        return Optional.of(forwarder.forward(packet, length, upstreams).orElseGet(() -> query.error(DnsMessage.SERVFAIL)));
    }

    private static List<byte[]> addresses(List<String> ips) {
        List<byte[]> bytes = new ArrayList<>();
        for (String ip : ips) {
            try {
                bytes.add(InetAddress.getByName(ip).getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a member's address is not an IP address: " + ip, e);
            }
        }
        return bytes;
    }
}
