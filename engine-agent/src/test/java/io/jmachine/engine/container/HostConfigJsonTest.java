package io.jmachine.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HostConfig and Config read and written as dockerd's JSON: Resources inline, null and empty apart, omitempty fields left out. */
class HostConfigJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void resourcesAreReadAndWrittenInlineAsInDockersJson() throws Exception {
        HostConfig host = JSON.readValue("{\"Memory\":1000000,\"CpusetMems\":\"0\",\"Ulimits\":[{\"Name\":\"nofile\",\"Soft\":1,\"Hard\":2}]}",
                HostConfig.class);
        assertEquals(1000000, host.memory());
        assertEquals("0", host.resources().cpusetMems());
        assertEquals(1, host.ulimits().size());
        JsonNode written = JSON.valueToTree(host);
        assertEquals(1000000, written.get("Memory").asLong());
        assertFalse(written.has("resources"), written.toString());
        assertTrue(written.has("MemorySwappiness") && written.get("MemorySwappiness").isNull(), written.toString());
    }

    @Test
    void listsKeepNullApartFromEmptyAndOmitemptyFieldsAreLeftOut() throws Exception {
        JsonNode written = JSON.valueToTree(JSON.readValue("{\"Dns\":[],\"CapAdd\":null,\"Tmpfs\":{}}", HostConfig.class));
        assertEquals(JSON.readTree("[]"), written.get("Dns"));
        assertTrue(written.get("CapAdd").isNull());
        assertTrue(written.get("Binds").isNull());
        for (String omitted : List.of("Tmpfs", "Sysctls", "StorageOpt", "Mounts", "Init", "Runtime")) {
            assertFalse(written.has(omitted), omitted + " in " + written);
        }
        assertEquals(JSON.readTree("{\"Type\":\"json-file\",\"Config\":{}}"), written.get("LogConfig"));
    }

    @Test
    void configLeavesOutDockerdsOmitemptyFields() throws Exception {
        JsonNode written = JSON.valueToTree(JSON.readValue("{\"Image\":\"i\",\"Cmd\":[\"true\"]}", ContainerConfig.class));
        for (String omitted : List.of("ExposedPorts", "Healthcheck", "ArgsEscaped", "NetworkDisabled", "MacAddress", "StopSignal",
                "StopTimeout", "Shell")) {
            assertFalse(written.has(omitted), omitted + " in " + written);
        }
        for (String kept : List.of("Hostname", "Domainname", "User", "Env", "Cmd", "Image", "Volumes", "WorkingDir", "Entrypoint", "OnBuild",
                "Labels")) {
            assertTrue(written.has(kept), kept + " missing in " + written);
        }
        JsonNode set = JSON.valueToTree(JSON.readValue("{\"Image\":\"i\",\"MacAddress\":\"02:42:ac:11:00:0a\",\"StopTimeout\":25}",
                ContainerConfig.class));
        assertEquals("02:42:ac:11:00:0a", set.get("MacAddress").asText());
        assertEquals(25, set.get("StopTimeout").asInt());
    }
}
