package io.jmachine.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** X-Registry-Auth as the docker CLI encodes it, and which registries are spoken to over plain HTTP. */
class RegistryCredentialsTest {

    private final ObjectMapper json = new ObjectMapper();

    private static String header(String jsonText) {
        return Base64.getUrlEncoder().encodeToString(jsonText.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headerForms() {
        assertEquals(new RegistryCredentials("u", "p?>", null, null),
                RegistryCredentials.fromHeader(header("{\"username\":\"u\",\"password\":\"p?>\",\"serveraddress\":\"127.0.0.1:5000\"}"), json));
        assertEquals(new RegistryCredentials("u", "p:w", null, null), RegistryCredentials.fromHeader(
                header("{\"auth\":\"" + Base64.getEncoder().encodeToString("u:p:w".getBytes(StandardCharsets.UTF_8)) + "\"}"), json));
        assertEquals(new RegistryCredentials(null, null, "refresh", null),
                RegistryCredentials.fromHeader(header("{\"identitytoken\":\"refresh\"}"), json));
        assertEquals(new RegistryCredentials(null, null, null, "tok"),
                RegistryCredentials.fromHeader(header("{\"registrytoken\":\"tok\"}").replace("=", ""), json));
        assertEquals(RegistryCredentials.ANONYMOUS, RegistryCredentials.fromHeader("e30=", json));
        assertEquals(RegistryCredentials.ANONYMOUS, RegistryCredentials.fromHeader("%%%not base64", json));
        assertEquals(RegistryCredentials.ANONYMOUS, RegistryCredentials.fromHeader(null, json));
        assertFalse(new RegistryCredentials("u", "secret", null, null).toString().contains("secret"));
    }

    @Test
    void loopbackAndInsecureRegistriesArePlainHttp() {
        RegistryHosts hosts = new RegistryHosts(List.of("registry.lan:5000", "http://other.lan"), List.of("http://127.0.0.1:9/"));
        assertTrue(hosts.isPlainHttp("127.0.0.1:5000"));
        assertTrue(hosts.isPlainHttp("127.3.4.5"));
        assertTrue(hosts.isPlainHttp("localhost:5000"));
        assertTrue(hosts.isPlainHttp("[::1]:5000"));
        assertTrue(hosts.isPlainHttp("registry.lan:5000"));
        assertTrue(hosts.isPlainHttp("other.lan"));
        assertFalse(hosts.isPlainHttp("registry.lan:5001"));
        assertFalse(hosts.isPlainHttp("10.0.0.1:5000"));
        assertEquals(URI.create("http://127.0.0.1:5000"), hosts.base("127.0.0.1:5000"));
        assertEquals(URI.create("https://ghcr.io"), hosts.base("ghcr.io"));
        assertEquals(List.of(URI.create("http://127.0.0.1:9"), URI.create(RegistryHosts.DOCKER_HUB_API)), hosts.pullBases("docker.io"));
        assertEquals(List.of(URI.create("https://ghcr.io")), hosts.pullBases("ghcr.io"));
        assertEquals("docker.io", RegistryHosts.domainOf("https://index.docker.io/v1/"));
        assertEquals("docker.io", RegistryHosts.domainOf(""));
        assertEquals("127.0.0.1:5000", RegistryHosts.domainOf("http://127.0.0.1:5000/v2/"));
    }
}
