package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Legacy links (--link) as dockerd names them: a link of container {@code parent} to {@code child} under
 * {@code alias} gives the child the extra name {@code /parent/alias}, which `docker ps` lists and
 * {@code DELETE /containers/parent/alias?link=1} removes.
 */
final class LegacyLinks {

    private LegacyLinks() {
    }

    /** The child's link names, "/parent/alias" for each container that links to it. */
    static List<String> namesOf(ContainerRecord child, Collection<ContainerRecord> all, ContainerStore store) {
        List<String> names = new ArrayList<>();
        for (ContainerRecord parent : all) {
            for (String entry : parent.hostConfig().links() == null ? List.<String>of() : parent.hostConfig().links()) {
                Links.Link link = Links.parse(entry);
                ContainerRecord target = store.find(link.target());
                if (target != null && target.id().equals(child.id())) {
                    names.add("/" + parent.name() + "/" + link.alias());
                }
            }
        }
        return names;
    }

    /** The parent's links without the one of that alias; 404 as dockerd when it has none of that name. */
    static List<String> without(ContainerRecord parent, String alias) {
        List<String> links = parent.hostConfig().links() == null ? List.of() : parent.hostConfig().links();
        List<String> rest = links.stream().filter(entry -> !Links.parse(entry).alias().equals(alias)).toList();
        if (rest.size() == links.size()) {
            throw EngineException.notFound("No such container: " + parent.name() + "/" + alias);
        }
        return rest;
    }
}
