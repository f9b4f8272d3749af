package io.jmachine.engine.network.dns;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerNamesTest {

    private static final String WEB_ID = "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001";
    private static final String DB_ID = "bbbbbbbbbbbb0000000000000000000000000000000000000000000000000002";
    private static final String CLIENT_ID = "cccccccccccc0000000000000000000000000000000000000000000000000003";
    private static final String LONER_ID = "dddddddddddd0000000000000000000000000000000000000000000000000004";

    // front: web, client; back: web, db; other: loner
    private static final List<ContainerNames.Member> MEMBERS = List.of(
            new ContainerNames.Member("front", "frontnet", WEB_ID, "web", List.of("www"), "10.1.0.2"),
            new ContainerNames.Member("back", "backnet", WEB_ID, "web", List.of(), "10.2.0.2"),
            new ContainerNames.Member("back", "backnet", DB_ID, "db", List.of("postgres"), "10.2.0.3"),
            new ContainerNames.Member("front", "frontnet", CLIENT_ID, "client", List.of(), "10.1.0.3"),
            new ContainerNames.Member("other", "othernet", LONER_ID, "loner", List.of(), "10.3.0.2"));

    @Test
    void aContainerResolvesTheNameAliasAndShortIdOfContainersOnItsNetwork() {
        assertEquals(Optional.of(List.of("10.1.0.2")), ContainerNames.resolve("web", "front", "10.1.0.3", MEMBERS));
        assertEquals(Optional.of(List.of("10.1.0.2")), ContainerNames.resolve("WWW.", "front", "10.1.0.3", MEMBERS));
        assertEquals(Optional.of(List.of("10.1.0.2")), ContainerNames.resolve("aaaaaaaaaaaa", "front", "10.1.0.3", MEMBERS));
        assertEquals(Optional.of(List.of("10.1.0.2")), ContainerNames.resolve("web.frontnet", "front", "10.1.0.3", MEMBERS));
    }

    @Test
    void namesOnNetworksTheAskerIsNotOnAreNotItsToResolve() {
        assertEquals(Optional.empty(), ContainerNames.resolve("db", "front", "10.1.0.3", MEMBERS), "client is not on back");
        assertEquals(Optional.empty(), ContainerNames.resolve("loner", "front", "10.1.0.3", MEMBERS));
        assertEquals(Optional.empty(), ContainerNames.resolve("www", "back", "10.2.0.3", MEMBERS), "aliases are per network");
        assertEquals(Optional.empty(), ContainerNames.resolve("aaaaaaaaaaa", "front", "10.1.0.3", MEMBERS), "only the 12-char short ID");
    }

    @Test
    void aContainerOnSeveralNetworksResolvesOnAllOfThemTheOneAskedOnFirst() {
        assertEquals(Optional.of(List.of("10.2.0.3")), ContainerNames.resolve("postgres", "front", "10.1.0.2", MEMBERS));
        assertEquals(Optional.of(List.of("10.1.0.3")), ContainerNames.resolve("client", "back", "10.2.0.2", MEMBERS));
        assertEquals(Optional.of(List.of("10.2.0.2")), ContainerNames.resolve("web", "back", "10.2.0.3", MEMBERS),
                "db sees web only where they meet");
    }

    @Test
    void aLinkOnAnEndpointIsANameForTheLinkingContainerOnly() {
        List<ContainerNames.Member> members = new java.util.ArrayList<>(MEMBERS);
        members.set(3, new ContainerNames.Member("front", "frontnet", CLIENT_ID, "client", List.of(), "10.1.0.3", List.of("web:upstream")));
        assertEquals(Optional.of(List.of("10.1.0.2")), ContainerNames.resolve("upstream", "front", "10.1.0.3", members));
        assertEquals(Optional.of(List.of("10.1.0.2")), ContainerNames.resolve("UPSTREAM.", "front", "10.1.0.3", members));
        assertEquals(Optional.empty(), ContainerNames.resolve("upstream", "front", "10.1.0.2", members), "web has no such link");
        assertEquals(Optional.empty(), ContainerNames.resolve("upstream", "front", "10.1.0.3", MEMBERS), "no link, no name");
    }

    @Test
    void anAskerThatIsNoMemberGetsNothing() {
        assertEquals(Optional.empty(), ContainerNames.resolve("web", "front", "10.9.9.9", MEMBERS));
        assertFalse(ContainerNames.isMember("front", "10.2.0.2", MEMBERS), "web's back address is not on front");
        assertTrue(ContainerNames.isMember("back", "10.2.0.2", MEMBERS));
    }
}
