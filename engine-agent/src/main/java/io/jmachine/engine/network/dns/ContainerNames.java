package io.jmachine.engine.network.dns;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Docker's rules for which names a container on a user-defined network resolves: the container names,
 * network aliases and short IDs of the running containers on the networks it shares with them, optionally
 * qualified by the network's name ({@code srv.mynet}). Pure logic over a snapshot of the members.
 */
public final class ContainerNames {

    /**
     * One container's endpoint on one user-defined network.
     *
     * @param containerName without Docker's leading slash
     * @param aliases       the endpoint's network-scoped aliases
     * @param links         the endpoint's legacy links, "container:alias": names only this member resolves
     */
    public record Member(String networkId, String networkName, String containerId, String containerName,
                         List<String> aliases, String ipAddress, List<String> links) {
        public Member {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            links = links == null ? List.of() : List.copyOf(links);
        }

        public Member(String networkId, String networkName, String containerId, String containerName, List<String> aliases,
                      String ipAddress) {
            this(networkId, networkName, containerId, containerName, aliases, ipAddress, List.of());
        }

        /** The container a link of this member's names by {@code alias}, or null. */
        String linkTarget(String alias) {
            for (String link : links) {
                int colon = link.indexOf(':');
                String target = colon < 0 ? link : link.substring(0, colon);
                String name = colon < 0 ? link : link.substring(colon + 1);
                target = target.startsWith("/") ? target.substring(1) : target;
                name = name.substring(name.lastIndexOf('/') + 1);
                if (name.toLowerCase(Locale.ROOT).equals(alias)) {
                    return target.toLowerCase(Locale.ROOT);
                }
            }
            return null;
        }

        boolean answersTo(String name) {
            if (containerName != null && containerName.toLowerCase(Locale.ROOT).equals(name)) {
                return true;
            }
            if (containerId.length() >= 12 && containerId.substring(0, 12).equals(name)) {
                return true;
            }
            return aliases.stream().anyMatch(alias -> alias.toLowerCase(Locale.ROOT).equals(name));
        }
    }

    private ContainerNames() {
    }

    /**
     * The addresses {@code name} has for the container that asked from {@code sourceIp} on network
     * {@code networkId}; empty when the name is not one of theirs (the server then forwards it). Addresses on
     * the network the query came in on come first.
     */
    public static Optional<List<String>> resolve(String name, String networkId, String sourceIp, List<Member> members) {
        String wanted = name.toLowerCase(Locale.ROOT);
        if (wanted.endsWith(".")) {
            wanted = wanted.substring(0, wanted.length() - 1);
        }
        Optional<Member> asker = members.stream()
                .filter(m -> m.networkId().equals(networkId) && m.ipAddress().equals(sourceIp)).findFirst();
        if (asker.isEmpty() || wanted.isEmpty()) {
            return Optional.empty();
        }
        List<String> sharedNetworks = new ArrayList<>();
        sharedNetworks.add(networkId);
        members.stream().filter(m -> m.containerId().equals(asker.get().containerId()))
                .map(Member::networkId).filter(id -> !sharedNetworks.contains(id)).forEach(sharedNetworks::add);
        Set<String> addresses = new LinkedHashSet<>();
        // a link is the asker's own name for another container, on the network the link was made on
        for (Member own : members.stream().filter(m -> m.containerId().equals(asker.get().containerId())).toList()) {
            String linked = own.linkTarget(wanted);
            if (linked != null) {
                members.stream().filter(m -> m.networkId().equals(own.networkId()) && m.answersTo(linked))
                        .forEach(m -> addresses.add(m.ipAddress()));
            }
        }
        for (String network : sharedNetworks) {
            for (Member member : members) {
                if (!member.networkId().equals(network)) {
                    continue;
                }
                String qualifier = "." + member.networkName().toLowerCase(Locale.ROOT);
                String local = wanted.endsWith(qualifier) ? wanted.substring(0, wanted.length() - qualifier.length()) : null;
                if (member.answersTo(wanted) || (local != null && member.answersTo(local))) {
                    addresses.add(member.ipAddress());
                }
            }
        }
        return addresses.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(addresses));
    }

    /** Whether the address belongs to a member of the network (only members' queries are answered). */
    public static boolean isMember(String networkId, String sourceIp, List<Member> members) {
        return members.stream().anyMatch(m -> m.networkId().equals(networkId) && m.ipAddress().equals(sourceIp));
    }
}
