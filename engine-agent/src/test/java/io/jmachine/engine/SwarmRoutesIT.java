package io.jmachine.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Swarm mode's routes on a node in no swarm, as dockerd 20.10 answers them (runs against the peer too): 503 with
 * dockerd's words after the checks of body and query it makes first. Clients clean up with {@code POST /swarm/leave}
 * and take its 503 as "nothing to leave"; a 404 made them fail. The peer is never asked to init or join.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwarmRoutesIT {

    private static final String NOT_IN_SWARM = "This node is not part of a swarm";
    private static final String NOT_A_MANAGER = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" "
            + "to connect this node to swarm and try again.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private EngineUnderTest engine;

    /** One request and dockerd's answer to it. */
    private record Case(String method, String path, String body, int status, String message) {}

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
    }

    @AfterAll
    void stop() throws Exception {
        // nothing was made on the peer; only an own engine is stopped
        if (engine != null && !engine.isPeer()) {
            engine.close();
        }
    }

    @Test
    void everySwarmRouteIsA503WithDockerdsWords() throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("POST", "/swarm/leave", null, 503, NOT_IN_SWARM));
        cases.add(new Case("POST", "/swarm/leave?force=1", null, 503, NOT_IN_SWARM));
        cases.add(new Case("GET", "/swarm", null, 503, NOT_A_MANAGER));
        cases.add(new Case("GET", "/swarm/unlockkey", null, 503, NOT_A_MANAGER));
        cases.add(new Case("POST", "/swarm/update?version=1", "{}", 503, NOT_A_MANAGER));
        cases.add(new Case("POST", "/swarm/unlock", "{}", 503, NOT_A_MANAGER));
        for (String kind : new String[] {"services", "nodes", "tasks", "secrets", "configs"}) {
            cases.add(new Case("GET", "/" + kind, null, 503, NOT_A_MANAGER));
            cases.add(new Case("GET", "/" + kind + "/x", null, 503, NOT_A_MANAGER));
        }
        for (String kind : new String[] {"services", "nodes", "secrets", "configs"}) {
            cases.add(new Case("DELETE", "/" + kind + "/x", null, 503, NOT_A_MANAGER));
            cases.add(new Case("POST", "/" + kind + "/x/update?version=1", "{}", 503, NOT_A_MANAGER));
        }
        for (String kind : new String[] {"services", "secrets", "configs"}) {
            cases.add(new Case("POST", "/" + kind + "/create", "{}", 503, NOT_A_MANAGER));
        }
        cases.add(new Case("GET", "/services/x/logs?stdout=1", null, 503, NOT_A_MANAGER));
        cases.add(new Case("GET", "/tasks/x/logs?stderr=1", null, 503, NOT_A_MANAGER));
        assertAnswers(cases);
    }

    @Test
    void theBodyAndQueryAreCheckedFirstAsDockerdChecksThem() throws Exception {
        assertAnswers(List.of(
                new Case("POST", "/swarm/update?version=1", null, 400, "got EOF while reading request body"),
                new Case("POST", "/services/create", null, 400, "got EOF while reading request body"),
                new Case("POST", "/swarm/update", "{}", 400, "invalid swarm version '': strconv.ParseUint: parsing \"\": invalid syntax"),
                new Case("POST", "/services/x/update?version=x", "{}", 400,
                        "invalid service version 'x': strconv.ParseUint: parsing \"x\": invalid syntax"),
                new Case("POST", "/nodes/x/update", "{}", 400, "invalid node version '': strconv.ParseUint: parsing \"\": invalid syntax"),
                new Case("POST", "/secrets/x/update", "{}", 400, "invalid secret version"),
                new Case("POST", "/configs/x/update?version=-1", "{}", 400, "invalid config version"),
                new Case("POST", "/swarm/update?version=1&rotateWorkerToken=x", "{}", 400, "invalid value for rotateWorkerToken: x"),
                new Case("GET", "/services/x/logs", null, 500, "Bad parameters: you must choose at least one stream"),
                new Case("GET", "/tasks/x/logs", null, 500, "Bad parameters: you must choose at least one stream")));
    }

    @Test
    void initAndJoinAreRefusedWithA503ThatSaysWhy() throws Exception {
        // dockerd would make the node a manager: never on the shared peer
        if (engine.isPeer()) {
            return;
        }
        for (String route : new String[] {"/swarm/init", "/swarm/join"}) {
            UnixHttp.Response answer = UnixHttp.json(engine.socket(), "POST", "/v1.41" + route, "{\"ListenAddr\":\"0.0.0.0:2377\"}");
            assertEquals(503, answer.status(), answer.text());
            assertTrue(JSON.readTree(answer.body()).path("message").asText().startsWith(NOT_IN_SWARM), answer.text());
        }
    }

    @Test
    void dockerInfoAndDockerSwarmSeeAnInactiveNode() throws Exception {
        DockerCli docker = engine.docker();
        DockerCli.Result info = docker.run("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Error}}.");
        assertEquals("inactive false .\n", info.out(), info.err());
        DockerCli.Result leave = docker.run("swarm", "leave");
        assertTrue(leave.exitCode() != 0 && leave.err().contains(NOT_IN_SWARM), leave.out() + leave.err());
        DockerCli.Result nodes = docker.run("node", "ls");
        assertTrue(nodes.exitCode() != 0 && nodes.err().contains("This node is not a swarm manager"), nodes.out() + nodes.err());
    }

    private void assertAnswers(List<Case> cases) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            UnixHttp.Response answer = c.body() == null
                    ? UnixHttp.request(engine.socket(), c.method(), "/v1.41" + c.path(), Map.of(), null)
                    : UnixHttp.json(engine.socket(), c.method(), "/v1.41" + c.path(), c.body());
            String message = answer.body().length == 0 ? "" : JSON.readTree(answer.body()).path("message").asText();
            if (answer.status() != c.status() || !message.equals(c.message())) {
                wrong.add(c.method() + " " + c.path() + ": " + answer.status() + " " + message);
            }
        }
        assertEquals(List.of(), wrong);
    }
}
