package io.jmachine.engine.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.engine.api.ApiException;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gives each container its network and takes it away: a namespace with lo (and, when bridged, eth0 on the
 * bridge), or the host's. Every step is recorded before it is taken, so that {@link #detach} undoes exactly
 * what exists, however far an attach got before a crash. Calls for one container must not overlap (the
 * engine serializes them); calls for different containers may.
 */
public final class NetworkService {

    private static final String LOOPBACK = "lo";

    private final NetworkNamespaces namespaces;
    private final BridgeNetwork bridge;
    private final CniInvoker cni;
    private final AttachmentStore store;
    private final ObjectMapper mapper;

    NetworkService(NetworkNamespaces namespaces, BridgeNetwork bridge, CniInvoker cni, AttachmentStore store, ObjectMapper mapper) {
        this.namespaces = namespaces;
        this.bridge = bridge;
        this.cni = cni;
        this.store = store;
        this.mapper = mapper;
    }

    public static NetworkService create(NetworkSettings settings, ObjectMapper mapper) {
        CniInvoker cni = new CniInvoker(settings.cniPluginDir(), mapper);
        return new NetworkService(new NetworkNamespaces(settings.netnsPrefix()), new BridgeNetwork(settings, cni, mapper), cni,
                new AttachmentStore(settings.attachmentsDir(), mapper), mapper);
    }

    public BridgeNetwork bridge() {
        return bridge;
    }

    public NetworkNamespaces namespaces() {
        return namespaces;
    }

    /**
     * Sets up the container's network. Whatever an earlier attach of the same container left (a crash) is
     * undone first; if this one fails half way, what it made is undone before the failure is thrown.
     */
    public NetworkAttachment attach(String containerId, NetworkMode mode) {
        detach(containerId);
        return switch (mode) {
            case NetworkMode.Host host -> {
                NetworkAttachment attachment = NetworkAttachment.host(containerId);
                store.write(AttachmentStore.Stored.of(attachment, null));
                yield attachment;
            }
            case NetworkMode.None none -> attachWithRollback(containerId, () -> isolated(containerId));
            case NetworkMode.Bridge bridged -> {
                if (!bridged.name().equals(bridge.name())) {
                    throw ApiException.notFound("network " + bridged.name() + " not found");
                }
                yield attachWithRollback(containerId, () -> bridged(containerId));
            }
        };
    }

    /**
     * Takes the container's network away: CNI DEL (address, veth, NAT rules), then the namespace, then the
     * record. Idempotent; works from the record alone after an engine restart, and from the namespace alone
     * if the record was never written. If DEL fails, the namespace and record stay so that a retry can finish.
     */
    public void detach(String containerId) {
        Optional<AttachmentStore.Stored> stored = store.read(containerId);
        Path netns = namespaces.pathFor(containerId);
        boolean netnsExists = namespaces.exists(containerId);
        boolean bridged = stored.map(s -> s.attachment().bridged())
                // no record but a namespace: we cannot know whether it was bridged, and DEL is harmless if not
                .orElse(netnsExists);
        if (bridged) {
            bridge.disconnect(containerId, netns, stored.map(AttachmentStore.Stored::cniResult).orElse(null));
        }
        namespaces.delete(containerId);
        store.delete(containerId);
    }

    /** What the container is attached to, as recorded; empty if it has no network set up. */
    public Optional<NetworkAttachment> attachment(String containerId) {
        return store.read(containerId).map(AttachmentStore.Stored::attachment);
    }

    /** The containers with a recorded attachment. */
    public List<String> attachedContainers() {
        return store.containerIds();
    }

    /**
     * Cleans up after containers that no longer exist (an engine crash, a container removed while the engine
     * was down): detaches every recorded container not in {@code liveContainerIds}, then deletes our
     * namespaces that no live container owns. Returns how many containers or namespaces it cleaned up.
     */
    public int sweep(Set<String> liveContainerIds) {
        int cleaned = 0;
        for (String containerId : store.containerIds()) {
            if (!liveContainerIds.contains(containerId)) {
                detach(containerId);
                cleaned++;
            }
        }
        Set<String> liveNames = new HashSet<>();
        liveContainerIds.forEach(id -> liveNames.add(namespaces.nameFor(id)));
        for (String name : namespaces.list()) {
            if (!liveNames.contains(name)) {
                namespaces.deleteNamed(name);
                cleaned++;
            }
        }
        return cleaned;
    }

    private NetworkAttachment isolated(String containerId) {
        Path netns = netnsWithLoopback(containerId, new NetworkMode.None());
        NetworkAttachment attachment = NetworkAttachment.isolated(containerId, netns);
        store.write(AttachmentStore.Stored.of(attachment, null));
        return attachment;
    }

    private NetworkAttachment bridged(String containerId) {
        NetworkMode mode = NetworkMode.defaultBridge();
        Path netns = netnsWithLoopback(containerId, mode);
        CniResult result = bridge.connect(containerId, netns);
        CniResult.IpConfig ip = result.ipv4On(BridgeNetwork.CONTAINER_INTERFACE).orElseThrow(() -> new NetworkException(
                "the bridge plugin gave container " + containerId + " no IPv4 address: " + result.raw()));
        String mac = result.sandboxInterface(BridgeNetwork.CONTAINER_INTERFACE).map(CniResult.Interface::mac).orElse(null);
        NetworkAttachment attachment = new NetworkAttachment(containerId, mode, netns, ip.ip(), ip.prefixLength(),
                ip.gateway() == null ? bridge.gateway() : ip.gateway(), mac, bridge.bridgeName());
        store.write(AttachmentStore.Stored.of(attachment, result.raw()));
        return attachment;
    }

    /** Records the intent, then makes the namespace and brings lo up (through the loopback plugin). */
    private Path netnsWithLoopback(String containerId, NetworkMode mode) {
        Path netnsPath = namespaces.pathFor(containerId);
        store.write(AttachmentStore.Stored.of(
                new NetworkAttachment(containerId, mode, netnsPath, null, 0, null, null, null), null));
        Path netns = namespaces.create(containerId);
        ObjectNode loopback = mapper.createObjectNode();
        loopback.put("type", "loopback");
        CniNetworkList list = new CniNetworkList(CniNetworkList.CNI_VERSION, "loopback", List.of(loopback));
        cni.add(list, new CniInvoker.Target(containerId, netns, LOOPBACK));
        return netns;
    }

    private NetworkAttachment attachWithRollback(String containerId, Supplier<NetworkAttachment> steps) {
        try {
            return steps.get();
        } catch (RuntimeException failure) {
            try {
                detach(containerId);
            } catch (RuntimeException cleanupFailure) {
                failure.addSuppressed(cleanupFailure);
            }
            throw failure;
        }
    }
}
