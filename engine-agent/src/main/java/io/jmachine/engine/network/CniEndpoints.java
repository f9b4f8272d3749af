package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One endpoint of a container on a bridge network, through the CNI plugins: ADD with its intent recorded first
 * (so that a crash leaves something to DEL), and DEL with the configuration it was added with.
 */
final class CniEndpoints {

    private final NetworkRegistry registry;
    private final CniInvoker cni;
    private final AttachmentStore store;
    private final NetworkNamespaces namespaces;
    private final ObjectMapper mapper;
    private final SecureRandom random = new SecureRandom();

    CniEndpoints(NetworkRegistry registry, CniInvoker cni, AttachmentStore store, NetworkNamespaces namespaces, ObjectMapper mapper) {
        this.registry = registry;
        this.cni = cni;
        this.store = store;
        this.namespaces = namespaces;
        this.mapper = mapper;
    }

    /** Records the endpoint's intent (its chain), runs ADD, records what the plugin did. */
    void add(AttachmentStore.Stored stored, NetworkRecord network, String ifName, EndpointConfig config,
                             boolean first) {
        add(stored, network, ifName, config, first, null);
    }

    /** @param macAddress the interface's, or null for the bridge plugin's choice */
    void add(AttachmentStore.Stored stored, NetworkRecord network, String ifName, EndpointConfig config,
                             boolean first, String macAddress) {
        List<String> aliases = config.aliasList();
        String requestedIp = EndpointAddresses.requestedIpv4(network, config);
        if (requestedIp != null) {
            EndpointAddresses.refuseTaken(network, requestedIp, stored.containerId(), store.all());
        }
        BridgeNetwork bridge = registry.bridgeOf(network);
        CniNetworkList list = macAddress == null ? bridge.configuration(first, requestedIp)
                : withMac(bridge.configuration(first, requestedIp), macAddress);
        JsonNode listJson = list.toJson(mapper);
        String endpointId = newEndpointId();
        NetworkAttachment.Endpoint intended = new NetworkAttachment.Endpoint(network.id(), network.name(), endpointId, ifName,
                null, 0, null, null, network.bridgeName(), aliases, config.linkList());
        List<AttachmentStore.StoredEndpoint> endpoints = new ArrayList<>(stored.endpoints());
        endpoints.add(new AttachmentStore.StoredEndpoint(intended, listJson, null));
        store.write(stored.withEndpoints(endpoints));
        Path netns = Path.of(stored.netns());
        CniResult result;
        try {
            result = bridge.connect(list, stored.containerId(), netns, ifName);
        } catch (CniException e) {
            throw requestedIp == null ? e : EndpointAddresses.explain(e, network, requestedIp);
        }
        EndpointAddresses.addLinkLocal(netns, ifName, config.linkLocalIps());
        CniResult.IpConfig ip = result.ipv4On(ifName).orElseThrow(() -> new NetworkException(
                "the bridge plugin gave container " + stored.containerId() + " no IPv4 address on " + network.name() + ": " + result.raw()));
        String mac = result.sandboxInterface(ifName).map(CniResult.Interface::mac).orElse(null);
        NetworkAttachment.Endpoint made = new NetworkAttachment.Endpoint(network.id(), network.name(), endpointId, ifName,
                ip.ip(), ip.prefixLength(), ip.gateway() == null ? network.gateway() : ip.gateway(), mac, network.bridgeName(), aliases,
                config.linkList());
        endpoints.set(endpoints.size() - 1, new AttachmentStore.StoredEndpoint(made, listJson, result.raw()));
        store.write(stored.withEndpoints(endpoints));
    }

    /** The bridge plugin takes a MAC address as args.cni.mac (containernetworking/plugins 1.1). */
    private static CniNetworkList withMac(CniNetworkList list, String macAddress) {
        List<ObjectNode> plugins = new ArrayList<>();
        for (ObjectNode plugin : list.plugins()) {
            ObjectNode copy = plugin.deepCopy();
            if (copy.path("type").asText().equals("bridge")) {
                ObjectNode args = copy.has("args") ? (ObjectNode) copy.get("args") : copy.putObject("args");
                ObjectNode cniArgs = args.has("cni") ? (ObjectNode) args.get("cni") : args.putObject("cni");
                cniArgs.put("mac", macAddress);
            }
            plugins.add(copy);
        }
        return new CniNetworkList(list.cniVersion(), list.name(), plugins);
    }

    void remove(AttachmentStore.Stored stored, AttachmentStore.StoredEndpoint endpoint) {
        CniNetworkList list = endpoint.cniConfig() == null ? registry.bridgeOf(registry.defaultBridge()).configuration() : listOf(endpoint.cniConfig());
        Path netns = stored.netns() == null ? namespaces.pathFor(stored.containerId()) : Path.of(stored.netns());
        BridgeNetwork.disconnect(cni, list, stored.containerId(), netns, endpoint.endpoint().ifName(), endpoint.cniResult());
    }

    private CniNetworkList listOf(JsonNode json) {
        List<ObjectNode> plugins = new ArrayList<>();
        json.path("plugins").forEach(p -> plugins.add((ObjectNode) p));
        return new CniNetworkList(json.path("cniVersion").asText(CniNetworkList.CNI_VERSION), json.path("name").asText(), plugins);
    }

    private String newEndpointId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
