package io.jmachine.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.config.HostAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ApiServerWarmUpTest {

    @TempDir
    Path dir;

    @Test
    void theWarmUpAsksTheServerItselfForPingAndVersionAndReturnsOnceAnswered() {
        List<String> asked = new CopyOnWriteArrayList<>();
        Router router = new Router()
                .get("/_ping", exchange -> {
                    asked.add("/_ping");
                    exchange.text(200, "text/plain", "OK");
                })
                .get("/version", exchange -> {
                    asked.add("/version");
                    exchange.text(200, "application/json", "{}");
                });
        try (ApiServer server = new ApiServer(router, new ObjectMapper(), dir.resolve("spool"))) {
            server.listen(new HostAddress.Unix(dir.resolve("engine.sock")), null, null);

            server.warmUp();

            assertEquals(List.of("/_ping", "/version"), asked);
        }
    }

    @Test
    void withoutAUnixSocketTheWarmUpDoesNothing() {
        try (ApiServer server = new ApiServer(new Router(), new ObjectMapper(), dir.resolve("spool"))) {
            server.warmUp();
        }
    }
}
