package io.jmachine.engine;

import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint that takes {@code filters=} refuses a key it does not know and a value its key does not take, with a
 * message naming them, instead of answering an empty list. Sent as raw HTTP, so the status is seen. Runs against
 * jmachine-engine and (with -Djmachine.peer.host) dockerd 20.10, which answers some of these with a 500 where later
 * dockerd and jmachine-engine answer 400 (their {@code peerStatus}), and words a few without the key or the value
 * ({@code peerNames}). Nothing here changes the engine: every request is refused before it acts, even the prunes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListFiltersIT {

    /** One refused request; {@code names} are what the message must contain (case aside). */
    record Case(String method, String endpoint, String filters, int status, List<String> names, int peerStatus, List<String> peerNames) {

        static Case of(String method, String endpoint, String key, String value, int status) {
            return new Case(method, endpoint, "{\"" + key + "\":[\"" + value + "\"]}", status, List.of(key, value), status, List.of(key, value));
        }

        /** A before or since naming nothing: dockerd's "No such container: x", a 404 (a 500 in 20.10), does not name the key. */
        static Case missing(String method, String endpoint, String key, String value, int peerStatus) {
            return new Case(method, endpoint, "{\"" + key + "\":[\"" + value + "\"]}", 404, List.of(value), peerStatus, List.of(value));
        }

        static Case unknownKey(String method, String endpoint) {
            return new Case(method, endpoint, "{\"bogus\":[\"x\"]}", 400, List.of("bogus"), 400, List.of("bogus"));
        }

        /** dockerd 20.10 answers otherwise: a 500, or a message without the key. */
        Case onPeer(int status, String... names) {
            return new Case(method, endpoint, filters, this.status, this.names, status, List.of(names));
        }
    }

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    Path socket;

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        socket = Path.of(engine.docker().env().get("DOCKER_HOST").replaceFirst("^unix://", ""));
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void containerListRefusesBadStatusHealthIsTaskExitedAndPortValues() {
        assertRefused(
                Case.unknownKey("GET", "/containers/json"),
                Case.of("GET", "/containers/json", "status", "bogus", 400),
                Case.of("GET", "/containers/json", "health", "bogus", 400),
                Case.of("GET", "/containers/json", "is-task", "bogus", 400),
                Case.of("GET", "/containers/json", "exited", "bogus", 400).onPeer(500, "bogus"),
                Case.of("GET", "/containers/json", "publish", "bogus", 400).onPeer(500, "publish", "bogus"),
                Case.of("GET", "/containers/json", "expose", "80:80", 400).onPeer(500, "expose", "80:80"));
    }

    @Test
    void containerListBeforeAndSinceMustNameAContainer() {
        assertRefused(
                Case.missing("GET", "/containers/json", "before", "nosuch-container", 500),
                Case.missing("GET", "/containers/json", "since", "nosuch-container", 500));
    }

    @Test
    void imageListRefusesABadDanglingValueAndAMissingBeforeImage() {
        assertRefused(
                Case.unknownKey("GET", "/images/json"),
                Case.of("GET", "/images/json", "dangling", "bogus", 400),
                Case.missing("GET", "/images/json", "before", "localhost/nosuch", 404),
                Case.missing("GET", "/images/json", "since", "localhost/nosuch", 404));
    }

    @Test
    void networkAndVolumeListsRefuseBadTypeAndDanglingValues() {
        assertRefused(
                Case.unknownKey("GET", "/networks"),
                Case.of("GET", "/networks", "type", "bogus", 400).onPeer(500, "type", "bogus"),
                Case.of("GET", "/networks", "dangling", "bogus", 400).onPeer(400, "dangling"),
                Case.unknownKey("GET", "/volumes"),
                Case.of("GET", "/volumes", "dangling", "bogus", 400));
    }

    @Test
    void everyPruneRefusesUnknownKeysBadUntilTimesAndBadDanglingValues() {
        assertRefused(
                Case.unknownKey("POST", "/containers/prune"),
                Case.of("POST", "/containers/prune", "until", "bogus", 400).onPeer(500, "bogus"),
                Case.unknownKey("POST", "/images/prune"),
                Case.of("POST", "/images/prune", "dangling", "bogus", 400),
                Case.of("POST", "/images/prune", "until", "bogus", 400).onPeer(500, "bogus"),
                Case.unknownKey("POST", "/networks/prune"),
                Case.of("POST", "/networks/prune", "until", "bogus", 400).onPeer(500, "bogus"),
                Case.unknownKey("POST", "/volumes/prune"));
    }

    @Test
    void goodValuesOfTheSameKeysAreAnswered() throws Exception {
        for (String[] ok : new String[][] {
                {"/containers/json", "{\"status\":[\"dead\"],\"health\":[\"none\"],\"is-task\":[\"false\"],\"exited\":[\"0\"]}"},
                {"/containers/json", "{\"publish\":[\"8000-8080/tcp\"],\"expose\":[\"53/udp\"]}"},
                {"/images/json", "{\"dangling\":[\"true\"]}"},
                {"/networks", "{\"type\":[\"custom\"],\"dangling\":[\"0\"]}"},
                {"/volumes", "{\"dangling\":[\"1\"]}"}}) {
            UnixHttp.Response response = send("GET", ok[0], ok[1]);
            assertEquals(200, response.status(), ok[0] + " " + ok[1] + ": " + response.text());
        }
    }

    @Test
    void theCliShowsTheRefusalNamingKeyAndValue() throws Exception {
        DockerCli.Result ps = engine.docker().run("ps", "--filter", "status=bogus");
        assertNotEquals(0, ps.exitCode());
        assertTrue(ps.err().toLowerCase(Locale.ROOT).contains("invalid filter 'status=bogus'"), ps.err());
        DockerCli.Result images = engine.docker().run("images", "--filter", "dangling=maybe");
        assertNotEquals(0, images.exitCode());
        assertTrue(images.err().contains("dangling") && images.err().contains("maybe"), images.err());
    }

    private void assertRefused(Case... cases) {
        assertAll(java.util.Arrays.stream(cases).map(this::refused));
    }

    private Executable refused(Case c) {
        return () -> {
            UnixHttp.Response response = send(c.method(), c.endpoint(), c.filters());
            String what = c.method() + " " + c.endpoint() + " filters=" + c.filters() + ": " + response.status() + " " + response.text();
            assertEquals(engine.isPeer() ? c.peerStatus() : c.status(), response.status(), what);
            String message = response.text().toLowerCase(Locale.ROOT);
            for (String name : engine.isPeer() ? c.peerNames() : c.names()) {
                assertTrue(message.contains(name.toLowerCase(Locale.ROOT)), what + " does not name " + name);
            }
        };
    }

    private UnixHttp.Response send(String method, String endpoint, String filters) throws java.io.IOException {
        String path = endpoint + "?filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8);
        return UnixHttp.request(socket, method, path, Map.of(), method.equals("POST") ? new byte[0] : null);
    }
}
