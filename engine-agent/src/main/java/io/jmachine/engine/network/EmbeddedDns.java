package io.jmachine.engine.network;

import io.jmachine.engine.network.dns.ContainerNames;
import io.jmachine.engine.network.dns.DnsForwarder;
import io.jmachine.engine.network.dns.DnsResponder;
import io.jmachine.engine.network.dns.NetworkDnsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The engine's DNS for user-defined networks: one server per network on its gateway address, where the
 * network's containers' resolv.conf points. It answers from the attachments (names, aliases, short IDs of
 * running containers) and forwards the rest to the container's --dns servers or the host's resolvers.
 * The default bridge has none, so containers there do not resolve each other, as in Docker.
 */
final class EmbeddedDns implements DnsResponder.Directory, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDns.class);
    private static final int DNS_PORT = 53;

    private final NetworkRegistry registry;
    private final AttachmentStore attachments;
    private final ContainerDirectory names;
    private final Supplier<List<String>> hostResolvers;
    private final int port;
    private final DnsResponder responder;
    private final Map<String, NetworkDnsServer> servers = new ConcurrentHashMap<>();

    /** @param port 53 for containers; negative for no servers at all (tests of the attachment side) */
    EmbeddedDns(NetworkRegistry registry, AttachmentStore attachments, ContainerDirectory names,
                Supplier<List<String>> hostResolvers, int port) {
        this.registry = registry;
        this.attachments = attachments;
        this.names = names;
        this.hostResolvers = hostResolvers;
        this.port = port;
        this.responder = new DnsResponder(this, new DnsForwarder(Duration.ofSeconds(2)));
    }

    static int defaultPort() {
        return DNS_PORT;
    }

    boolean enabled() {
        return port >= 0;
    }

    /** Starts the server of a user network (its bridge must have the gateway address). */
    void start(NetworkRecord network) {
        if (!enabled() || !network.userDefined() || servers.containsKey(network.id())) {
            return;
        }
        try {
            servers.put(network.id(), NetworkDnsServer.start(network.id(), InetAddress.getByName(network.gateway()), port, responder));
        } catch (IOException e) {
            throw new NetworkException("network " + network.name() + ": " + e.getMessage()
                    + " (is another DNS server bound to all addresses on port " + port + "?)", e);
        }
    }

    void stop(String networkId) {
        NetworkDnsServer server = servers.remove(networkId);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public List<ContainerNames.Member> members() {
        List<ContainerNames.Member> members = new ArrayList<>();
        for (AttachmentStore.Stored stored : attachments.all()) {
            String name = null;
            for (NetworkAttachment.Endpoint endpoint : stored.attachment().endpoints()) {
                if (endpoint.networkId() == null || endpoint.ipAddress() == null) {
                    continue;
                }
                if (name == null) {
                    name = names.nameOf(stored.containerId()).orElse("");
                }
                members.add(new ContainerNames.Member(endpoint.networkId(), endpoint.networkName(), stored.containerId(), name,
                        endpoint.aliases(), endpoint.ipAddress(), endpoint.links()));
            }
        }
        return members;
    }

    @Override
    public List<InetSocketAddress> upstreamsFor(String networkId, String sourceIp) {
        List<String> servers = attachments.all().stream()
                .filter(s -> s.attachment().endpoints().stream()
                        .anyMatch(e -> networkId.equals(e.networkId()) && sourceIp.equals(e.ipAddress())))
                .findFirst().map(AttachmentStore.Stored::dnsServers).filter(l -> !l.isEmpty())
                .orElseGet(hostResolvers);
        return servers.stream().map(ip -> new InetSocketAddress(ip, DNS_PORT)).toList();
    }

    @Override
    public boolean forwards(String networkId) {
        return registry.find(networkId).map(n -> !n.internal()).orElse(false);
    }

    @Override
    public void close() {
        for (String networkId : List.copyOf(servers.keySet())) {
            stop(networkId);
        }
        LOG.debug("embedded DNS stopped");
    }
}
