package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

import java.util.List;

/** Legacy links as ps and rm --link see them: names from the linking containers, and a link's removal. */
final class ContainerLinks {

    private final ContainerStore store;
    private final ContainerRunner runner;

    ContainerLinks(ContainerStore store, ContainerRunner runner) {
        this.store = store;
        this.runner = runner;
    }

    /** Its legacy link names, "/parent/alias" per container linking to it, which `docker ps` lists beside its name. */
    List<String> namesOf(ContainerRecord record) {
        return LegacyLinks.namesOf(record, store.all(), store);
    }

    /** The container a parent's link of that alias points to ("/parent/alias" as a name); 404 when there is none. */
    ContainerRecord resolve(String parentIdOrName, String alias) {
        ContainerRecord parent = store.find(parentIdOrName);
        String target = parent == null ? null : parent.hostConfig().links() == null ? null : parent.hostConfig().links().stream()
                .map(Links::parse).filter(link -> link.alias().equals(alias)).map(Links.Link::target).findFirst().orElse(null);
        ContainerRecord child = target == null ? null : store.find(target);
        if (child == null) {
            throw EngineException.notFound("No such container: " + parentIdOrName + "/" + alias);
        }
        return child;
    }

    /**
     * DELETE /containers/{parent}/{alias}?link=1, dockerd's rmLink: the parent's link of that alias goes; both
     * containers stay. A running parent's /etc/hosts keeps the line until its next start.
     */
    void remove(String parentIdOrName, String alias) {
        resolve(parentIdOrName, alias);
        ContainerRecord parent = store.resolve(parentIdOrName);
        synchronized (runner.lock(parent.id())) {
            parent = store.byId(parent.id());
            store.save(parent.withHostConfig(parent.hostConfig().withLinks(LegacyLinks.without(parent, alias))));
        }
    }
}
