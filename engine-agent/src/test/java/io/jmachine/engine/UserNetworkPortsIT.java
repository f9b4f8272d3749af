package io.jmachine.engine;

import io.jmachine.engine.testing.Await;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.jmachine.engine.testing.LoopbackHttp.freePort;
import static io.jmachine.engine.testing.LoopbackHttp.get;
import static io.jmachine.engine.testing.LoopbackHttp.listening;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Published ports of containers on user-defined networks, where every docker-compose service lives: -p with
 * --network, a create with NetworkingConfig as compose sends it, network connect and disconnect while published
 * (the ports and the default route follow the first network by name, as dockerd's gateway endpoint), internal
 * networks, an engine restart. Runs against the peer dockerd too
 * ({@code -Djmachine.peer.host=unix:///run/jm-peer/docker.sock}); names carry a random prefix, as the peer is shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserNetworkPortsIT {

    private static final String IMAGE = "localhost/usernet-ports-it/busybox:1";
    private static final String SERVE = "mkdir -p /www && echo \"served by $(hostname)\" > /www/index.html && exec httpd -f -p 80 -h /www";
    private static final Duration SERVED = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private final String prefix = "unp" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3)) + "-";
    private EngineUnderTest engine;
    private DockerCli docker;
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE);
    }

    @AfterEach
    void removeWhatTheTestMade() throws Exception {
        for (String name : containers) {
            docker.run("rm", "-f", name);
        }
        for (String name : networks) {
            docker.run("network", "rm", name);
        }
        containers.clear();
        networks.clear();
    }

    @AfterAll
    void stop() throws Exception {
        if (engine == null) {
            return;
        }
        if (engine.isPeer()) {
            docker.run("rmi", IMAGE);
        } else {
            engine.close();
        }
    }

    @Test
    void aPortPublishedOnAUserNetworkServesAndPsPortAndInspectShowIt() throws Exception {
        String net = network("web");
        String web = container("web");
        int port = freePort();
        ok("run", "-d", "--name", web, "--network", net, "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c", SERVE);
        assertTrue(get(port, "/", SERVED).startsWith("served by "));
        assertEquals("80/tcp -> 127.0.0.1:" + port, ok("port", web).strip());
        assertEquals("127.0.0.1:" + port + "->80/tcp", ok("ps", "--filter", "name=" + web, "--format", "{{.Ports}}").strip());
        String binding = "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"" + port + "\"}]}";
        assertEquals(binding, inspect(web, "{{json .NetworkSettings.Ports}}"));
        assertEquals(binding, inspect(web, "{{json .HostConfig.PortBindings}}"));
        ok("rm", "-f", web);
        assertFalse(listening(port), "no listener left after rm");
    }

    @Test
    void aCreateWithNetworkingConfigAsComposeSendsItPublishesOnThatNetwork() throws Exception {
        String net = network("compose");
        String web = container("svc");
        int port = freePort();
        // what docker-compose 1.29 sends for a service with ports: on its project network, with the service name as alias
        UnixHttp.Response created = UnixHttp.json(engine.socket(), "POST", "/v1.41/containers/create?name=" + web, """
                {"Image": "%s", "Cmd": ["sh", "-c", %s], "ExposedPorts": {"80/tcp": {}},
                 "HostConfig": {"NetworkMode": "%s", "PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "%d"}]}},
                 "NetworkingConfig": {"EndpointsConfig": {"%s": {"Aliases": ["svc"], "IPAMConfig": null}}}}"""
                .formatted(IMAGE, quoted(SERVE), net, port, net));
        assertEquals(201, created.status(), created.text());
        ok("start", web);
        assertTrue(get(port, "/", SERVED).startsWith("served by "));
        assertEquals("80/tcp -> 127.0.0.1:" + port, ok("port", web).strip());
        String aliases = inspect(web, "{{json (index .NetworkSettings.Networks \"" + net + "\").Aliases}}");
        assertTrue(aliases.startsWith("[\"svc\""), aliases);
    }

    @Test
    void portsFollowTheContainerThroughNetworkConnectAndDisconnect() throws Exception {
        // dockerd moves the ports to the first network by name: "a" before "z", whichever came first
        String first = network("a");
        String second = network("z");
        String web = container("moving");
        int port = freePort();
        ok("run", "-d", "--name", web, "--network", second, "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c", SERVE);
        assertTrue(get(port, "/", SERVED).startsWith("served by "));

        ok("network", "connect", first, web);
        assertTrue(get(port, "/", SERVED).startsWith("served by "), "on both networks");
        assertEquals("80/tcp -> 127.0.0.1:" + port, ok("port", web).strip());
        ok("network", "disconnect", first, web);
        assertTrue(get(port, "/", SERVED).startsWith("served by "), "back on the first network only");

        ok("network", "connect", first, web);
        ok("network", "disconnect", second, web);
        assertTrue(get(port, "/", SERVED).startsWith("served by "), "on the network it joined later only");

        ok("network", "disconnect", first, web);
        Await.until(Duration.ofSeconds(10), () -> !listening(port));
        assertEquals("{}", inspect(web, "{{json .NetworkSettings.Ports}}"), "no network, no ports");
        assertEquals("", ok("port", web).strip());

        ok("network", "connect", second, web);
        assertTrue(get(port, "/", SERVED).startsWith("served by "), "a network again, the port again");
        assertEquals("80/tcp -> 127.0.0.1:" + port, ok("port", web).strip());
    }

    @Test
    void theDefaultRouteGoesWithThePortsToTheFirstNetworkByName() throws Exception {
        String first = network("a");
        String second = network("z");
        String router = container("router");
        ok("run", "-d", "--name", router, "--network", second, IMAGE, "sleep", "300");
        String firstGateway = gateway(first);
        String secondGateway = gateway(second);
        assertEquals(secondGateway, defaultRoute(router));
        ok("network", "connect", first, router);
        assertEquals(firstGateway, defaultRoute(router), "a network that sorts first takes the way out");
        ok("network", "disconnect", first, router);
        assertEquals(secondGateway, defaultRoute(router));
        ok("network", "connect", first, router);
        ok("network", "disconnect", second, router);
        assertEquals(firstGateway, defaultRoute(router), "the way out stays when the first network goes");
    }

    @Test
    void aContainerOnlyOnAnInternalNetworkPublishesNothingUntilItJoinsAnother() throws Exception {
        String internal = network("internal", "--internal");
        String open = network("open");
        String web = container("inside");
        int port = freePort();
        ok("run", "-d", "--name", web, "--network", internal, "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c", SERVE);
        assertEquals("true", inspect(web, "{{.State.Running}}"));
        assertFalse(listening(port), "an internal network has no way out");
        assertEquals("{}", inspect(web, "{{json .NetworkSettings.Ports}}"));
        ok("network", "connect", open, web);
        assertTrue(get(port, "/", SERVED).startsWith("served by "));
    }

    @Test
    void anEngineRestartOpensTheUserNetworkPortsAgain() throws Exception {
        assumeFalse(engine.isPeer(), "the shared peer dockerd is not restarted");
        String net = network("restart");
        String web = container("kept");
        int port = freePort();
        ok("run", "-d", "--name", web, "--network", net, "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c", SERVE);
        assertTrue(get(port, "/", SERVED).startsWith("served by "));
        engine.engine().orElseThrow().restart(Duration.ofSeconds(1));
        assertTrue(get(port, "/", SERVED).startsWith("served by "), "the running container's port is back");
        assertEquals("80/tcp -> 127.0.0.1:" + port, ok("port", web).strip());
    }

    private String gateway(String network) throws Exception {
        return ok("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", network).strip();
    }

    /** The gateway of the container's default route. */
    private String defaultRoute(String container) throws Exception {
        String routes = ok("exec", container, "ip", "-4", "route", "show", "default");
        String[] words = routes.strip().split("\\s+");
        assertTrue(words.length >= 3 && words[0].equals("default") && words[1].equals("via"), routes);
        return words[2];
    }

    private String network(String name, String... options) throws Exception {
        String full = prefix + name;
        List<String> args = new ArrayList<>(List.of("network", "create"));
        args.addAll(List.of(options));
        args.add(full);
        ok(args.toArray(String[]::new));
        networks.add(full);
        return full;
    }

    private String container(String name) {
        String full = prefix + name;
        containers.add(full);
        return full;
    }

    private String inspect(String name, String format) throws Exception {
        return ok("inspect", "--format", format, name).strip();
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), "docker " + String.join(" ", args) + ": " + result.err());
        return result.out();
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
