package io.jmachine.engine;

import io.jmachine.engine.testing.Await;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

import static io.jmachine.engine.testing.LoopbackHttp.freePort;
import static io.jmachine.engine.testing.LoopbackHttp.get;
import static io.jmachine.engine.testing.LoopbackHttp.listening;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's docker-compose (1.29, on docker-py) drives the engine as its users do: a two-service stack on its own
 * network with a named volume and a port published on 127.0.0.1, from local images only. The web service serves
 * the volume with busybox httpd; the other reaches it by its service name over the project network and writes
 * what it got into the same volume. Runs against the peer dockerd too
 * ({@code -Djmachine.peer.host=unix:///run/jm-peer/docker.sock}); the project name is random, as the peer is shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeIT {

    private static final String IMAGE = "localhost/compose-it/busybox:1";
    private static final Duration SERVED = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private final String project = "cmp" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private EngineUnderTest engine;
    private DockerCli docker;
    private Path composeFile;
    private int port;

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok(docker.run("import", BusyboxRootfs.tar(Files.createDirectories(dir.resolve("image"))).toString(), IMAGE));
        port = freePort();
        composeFile = dir.resolve("docker-compose.yml");
        Files.writeString(composeFile, """
                version: "3.8"
                services:
                  web:
                    image: %s
                    command: ["sh", "-c", "mkdir -p /data/www && echo hello from web > /data/www/index.html && exec httpd -f -p 80 -h /data/www"]
                    ports:
                      - "127.0.0.1:%d:80"
                    volumes:
                      - shared:/data
                    networks: [back]
                  fetcher:
                    image: %s
                    command: ["sh", "-c", "until wget -qO /tmp/page http://web/; do sleep 0.2; done; cp /tmp/page /data/www/fetched.txt; exec sleep 600"]
                    volumes:
                      - shared:/data
                    depends_on: [web]
                    networks: [back]
                volumes:
                  shared: {}
                networks:
                  back: {}
                """.formatted(IMAGE, port, IMAGE));
    }

    @AfterAll
    void stop() throws Exception {
        if (engine == null) {
            return;
        }
        compose("down", "-v", "--timeout", "1");
        if (engine.isPeer()) {
            docker.run("rmi", IMAGE);
        } else {
            engine.close();
        }
    }

    @Test
    void aTwoServiceStackServesOnItsPortSharesItsVolumeKeepsItAcrossDownAndLeavesNothingAfterDownV() throws Exception {
        ok(compose("up", "-d"));
        assertEquals("hello from web\n", get(port, "/", SERVED), "the published port on 127.0.0.1 reaches the web service");
        assertEquals("hello from web\n", get(port, "/fetched.txt", SERVED),
                "the fetcher reached web by its service name and wrote into the volume web serves");
        assertEquals("running running", ok(docker.run("ps", "--filter", "label=com.docker.compose.project=" + project,
                "--format", "{{.State}}")).strip().replace('\n', ' '));
        String networks = ok(docker.run("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}", project + "_web_1"));
        assertEquals(project + "_back", networks.strip());

        ok(compose("exec", "-T", "web", "sh", "-c", "echo kept > /data/www/marker.txt"));
        ok(compose("down", "--timeout", "1"));
        assertEquals("", projectContainers(), "down removes the containers");
        assertEquals(project + "_shared", ok(docker.run("volume", "ls", "-q", "--filter", "name=" + project)).strip(), "and keeps the volume");
        ok(compose("up", "-d"));
        assertEquals("kept\n", get(port, "/marker.txt", SERVED), "the named volume persisted across down and up");

        ok(compose("down", "-v", "--timeout", "1"));
        assertEquals("", projectContainers());
        assertEquals("", ok(docker.run("network", "ls", "-q", "--filter", "name=" + project)).strip(), "no network left");
        assertEquals("", ok(docker.run("volume", "ls", "-q", "--filter", "name=" + project)).strip(), "no volume left");
        Await.until(Duration.ofSeconds(10), () -> !listening(port));
    }

    private String projectContainers() throws Exception {
        return ok(docker.run("ps", "-aq", "--filter", "label=com.docker.compose.project=" + project)).strip();
    }

    /** docker-compose with this project's file and name, against the engine under test (DOCKER_HOST is the CLI's). */
    private DockerCli.Result compose(String... args) throws Exception {
        StringBuilder line = new StringBuilder("docker-compose --ansi never -f '" + composeFile + "' -p " + project);
        for (String arg : args) {
            line.append(" '").append(arg).append("'");
        }
        return docker.sh(line + " 2>&1");
    }

    private static String ok(DockerCli.Result result) {
        assertEquals(0, result.exitCode(), result.out() + result.err());
        return result.out();
    }
}
