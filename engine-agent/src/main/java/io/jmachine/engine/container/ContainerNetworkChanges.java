package io.jmachine.engine.container;

import io.jmachine.engine.events.EventBus;
import io.jmachine.engine.network.EndpointConfig;

import java.util.Map;

/** network connect and disconnect of a container: its endpoints, its published ports and the network events. */
final class ContainerNetworkChanges {

    private final ContainerStore store;
    private final ContainerNetworking networking;
    private final ContainerPorts ports;
    private final EventBus events;
    private final ContainerRunner runner;

    ContainerNetworkChanges(ContainerStore store, ContainerNetworking networking, ContainerPorts ports, EventBus events,
                            ContainerRunner runner) {
        this.store = store;
        this.networking = networking;
        this.ports = ports;
        this.events = events;
        this.runner = runner;
    }

    /**
     * network connect: at once when the container runs, from its next start either way. Its published ports follow
     * its way out, which the new network may now be.
     */
    void connect(String idOrName, String network, EndpointConfig config) {
        ContainerRecord record = store.resolve(idOrName);
        synchronized (runner.lock(record.id())) {
            record = store.byId(record.id());
            boolean running = record.state().isAlive() && record.network() != null;
            ContainerRecord.NetworkAttachment attached = networking.connect(record.id(), network, config, running);
            if (attached != null) {
                ContainerRecord connected = record.withNetwork(attached);
                store.save(connected);
                try {
                    ports.moved(connected);
                } catch (RuntimeException e) {
                    // dockerd fails the connect when the ports cannot follow (a host port taken meanwhile): so do we
                    try {
                        store.save(record.withNetwork(networking.disconnect(record.id(), network, true)));
                    } catch (RuntimeException undo) {
                        e.addSuppressed(undo);
                    }
                    throw e;
                }
                record = connected;
            }
        }
        publishNetworkEvent("connect", record, network);
    }

    /** network disconnect, the reverse of {@link #connect}. */
    void disconnect(String idOrName, String network) {
        ContainerRecord record = store.resolve(idOrName);
        ContainerRecord before;
        synchronized (runner.lock(record.id())) {
            record = store.byId(record.id());
            before = record;
            boolean running = record.state().isAlive() && record.network() != null;
            ContainerRecord.NetworkAttachment attached = networking.disconnect(record.id(), network, running);
            if (attached != null) {
                ContainerRecord disconnected = record.withNetwork(attached);
                store.save(disconnected);
                ports.moved(disconnected);
            }
        }
        publishNetworkEvent("disconnect", before, network);
    }

    /** With the network's ID and name as dockerd sends them, when the container is on it now (or was). */
    private void publishNetworkEvent(String action, ContainerRecord record, String network) {
        java.util.Optional<ContainerRecord.NetworkEndpoint> endpoint = record.network() == null ? java.util.Optional.empty()
                : record.network().networks().stream().filter(e -> e.name().equals(network) || network.equals(e.networkId())
                        || e.networkId() != null && network.length() >= 12 && e.networkId().startsWith(network)).findFirst();
        if (endpoint.isPresent()) {
            events.publish("network", action, endpoint.get().networkId(), AttachmentEvents.networkAttributes(record, endpoint.get()));
        } else {
            events.publish("network", action, network, Map.of("container", record.id(), "name", network, "type", "bridge"));
        }
    }
}
