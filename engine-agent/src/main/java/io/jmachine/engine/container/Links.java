package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;

/** HostConfig.Links entries: "name:alias" from the CLI, or dockerd's stored "/name:/container/alias". */
final class Links {

    record Link(String target, String alias) {
    }

    private Links() {
    }

    static Link parse(String link) {
        int colon = link.indexOf(':');
        String target = colon < 0 ? link : link.substring(0, colon);
        String alias = colon < 0 ? target : link.substring(colon + 1);
        target = target.startsWith("/") ? target.substring(1) : target;
        int slash = alias.lastIndexOf('/');
        alias = slash < 0 ? alias : alias.substring(slash + 1);
        if (target.isEmpty() || alias.isEmpty()) {
            throw EngineException.invalid("invalid link " + link + ": use name:alias");
        }
        return new Link(target, alias);
    }
}
