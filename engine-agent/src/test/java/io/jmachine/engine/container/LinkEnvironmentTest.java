package io.jmachine.engine.container;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinkEnvironmentTest {

    @Test
    void aLinkWithoutPortsHasItsNameAndTheLinkedVariablesButNotPathOrHome() {
        assertEquals(List.of("DB_NAME=/web/db", "DB_ENV_A=1", "DB_ENV_EMPTY="),
                LinkEnvironment.of("/web/db", "10.0.0.2", List.of("PATH=/bin", "HOME=/root", "A=1", "EMPTY=", "NOVALUE"), Map.of()));
    }

    @Test
    void portsGoByNumberTcpFirstAndARunOfPortsAlsoGetsStartAndEnd() {
        List<String> env = LinkEnvironment.of("/web/my-db", "10.0.0.2", List.of(),
                Map.of("5432/tcp", Map.of(), "53/udp", Map.of(), "53/tcp", Map.of(), "54/tcp", Map.of(), "55/tcp", Map.of()));
        assertEquals(List.of(
                "MY_DB_PORT=tcp://10.0.0.2:53",
                "MY_DB_PORT_53_TCP_START=tcp://10.0.0.2:53",
                "MY_DB_PORT_53_TCP_ADDR=10.0.0.2",
                "MY_DB_PORT_53_TCP_PROTO=tcp",
                "MY_DB_PORT_53_TCP_PORT_START=53",
                "MY_DB_PORT_53_TCP_END=tcp://10.0.0.2:55",
                "MY_DB_PORT_53_TCP_PORT_END=55",
                "MY_DB_PORT_53_TCP=tcp://10.0.0.2:53",
                "MY_DB_PORT_53_TCP_ADDR=10.0.0.2",
                "MY_DB_PORT_53_TCP_PORT=53",
                "MY_DB_PORT_53_TCP_PROTO=tcp",
                "MY_DB_PORT_53_UDP=udp://10.0.0.2:53",
                "MY_DB_PORT_53_UDP_ADDR=10.0.0.2",
                "MY_DB_PORT_53_UDP_PORT=53",
                "MY_DB_PORT_53_UDP_PROTO=udp",
                "MY_DB_PORT_54_TCP=tcp://10.0.0.2:54",
                "MY_DB_PORT_54_TCP_ADDR=10.0.0.2",
                "MY_DB_PORT_54_TCP_PORT=54",
                "MY_DB_PORT_54_TCP_PROTO=tcp",
                "MY_DB_PORT_55_TCP=tcp://10.0.0.2:55",
                "MY_DB_PORT_55_TCP_ADDR=10.0.0.2",
                "MY_DB_PORT_55_TCP_PORT=55",
                "MY_DB_PORT_55_TCP_PROTO=tcp",
                "MY_DB_PORT_5432_TCP=tcp://10.0.0.2:5432",
                "MY_DB_PORT_5432_TCP_ADDR=10.0.0.2",
                "MY_DB_PORT_5432_TCP_PORT=5432",
                "MY_DB_PORT_5432_TCP_PROTO=tcp",
                "MY_DB_NAME=/web/my-db"), env);
    }
}
