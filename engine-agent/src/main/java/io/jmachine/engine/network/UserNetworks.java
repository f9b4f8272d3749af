package io.jmachine.engine.network;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The user-defined networks' life: create with its DNS server, remove while no container is on it, prune. */
final class UserNetworks {

    private final NetworkRegistry registry;
    private final EmbeddedDns dns;
    /** Where the containers on a network are known. */
    private final NetworkService attachments;

    UserNetworks(NetworkRegistry registry, EmbeddedDns dns, NetworkService attachments) {
        this.registry = registry;
        this.dns = dns;
        this.attachments = attachments;
    }

    /** Makes a user-defined network and starts its DNS server. */
    NetworkRecord create(NetworkRegistry.CreateRequest request) {
        NetworkRecord network = registry.create(request);
        try {
            dns.start(network);
        } catch (RuntimeException e) {
            try {
                registry.remove(network);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return network;
    }

    /** Removes a user network: refused (Docker's words) while a container is on it, and for the built-in ones. */
    void remove(String idOrName) {
        NetworkRecord network = registry.resolve(idOrName);
        if (network.predefined()) {
            throw EngineException.forbidden(network.name() + " is a pre-defined network and cannot be removed");
        }
        synchronized (this) {
            if (!attachments.attachmentsOn(network.id()).isEmpty()) {
                throw EngineException.forbidden("error while removing network: network " + network.name() + " id " + network.id()
                        + " has active endpoints");
            }
            dns.stop(network.id());
            registry.remove(network);
        }
    }

    /** network prune: the user networks no container is on that {@code wanted} selects; returns their names. */
    List<String> prune(Predicate<NetworkRecord> wanted) {
        List<String> removed = new ArrayList<>();
        for (NetworkRecord network : registry.all()) {
            if (network.userDefined() && wanted.test(network) && attachments.attachmentsOn(network.id()).isEmpty()) {
                try {
                    remove(network.id());
                    removed.add(network.name());
                } catch (EngineException e) {
                    // a container joined it meanwhile: it is in use, so not pruned
                }
            }
        }
        return removed;
    }
}
