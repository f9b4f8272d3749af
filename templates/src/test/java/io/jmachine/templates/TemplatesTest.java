package io.jmachine.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplatesTest {

    private final Templates templates = new Templates();

    @Test
    void libvirtDomainWithUserNetworkingIsValidXmlWithRestrictedForwards() throws Exception {
        String xml = templates.render(TemplateName.LIBVIRT_DOMAIN, Map.of(
                "name", "jm-dev1", "uuid", "6f1c5a52-8d7e-4e4b-9d59-0d8e3f0b6a11",
                "memoryMiB", 2048, "cpus", 2, "accel", "qemu",
                "diskPath", "/store/machines/dev1/disk.qcow2", "seedPath", "/store/machines/dev1/seed.iso",
                "network", "user",
                "forwards", List.of(
                        Map.of("hostIp", "127.0.0.1", "hostPort", 40022, "guestPort", 22),
                        Map.of("hostIp", "127.0.0.1", "hostPort", 42376, "guestPort", 2376))));

        Document doc = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element domain = doc.getDocumentElement();
        assertEquals("qemu", domain.getAttribute("type"));
        assertEquals("jm-dev1", domain.getElementsByTagName("name").item(0).getTextContent());
        assertEquals("2048", domain.getElementsByTagName("memory").item(0).getTextContent());
        assertTrue(xml.contains("user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:40022-:22,hostfwd=tcp:127.0.0.1:42376-:2376"), xml);
        assertFalse(xml.contains("<interface"), "user-mode networking must not add a libvirt interface");
        assertFalse(xml.contains("host-passthrough"), "TCG guests get no host CPU passthrough");
    }

    @Test
    void libvirtDomainOnALibvirtNetworkHasAnInterfaceAndDirectKernelBoot() {
        String xml = templates.render(TemplateName.LIBVIRT_DOMAIN, Map.ofEntries(
                Map.entry("name", "jm-dev2"), Map.entry("uuid", "00000000-0000-4000-8000-000000000002"),
                Map.entry("memoryMiB", 1024), Map.entry("cpus", 1), Map.entry("accel", "kvm"),
                Map.entry("diskPath", "/d.qcow2"), Map.entry("seedPath", "/s.iso"),
                Map.entry("kernel", "/k"), Map.entry("initrd", "/i"), Map.entry("cmdline", "root=/dev/vda console=ttyS0"),
                Map.entry("network", "default"), Map.entry("forwards", List.of())));
        assertTrue(xml.contains("<source network='default'/>"), xml);
        assertTrue(xml.contains("<kernel>/k</kernel>"), xml);
        assertTrue(xml.contains("host-passthrough"), xml);
        assertFalse(xml.contains("qemu:commandline"), xml);
    }

    @Test
    void cloudInitUserDataPinsTheHostKeyAndTheUsersKey() {
        String userData = templates.render(TemplateName.CLOUD_INIT_USER_DATA, Map.of(
                "hostname", "dev1", "user", "jmachine", "authorizedKey", "ecdsa-sha2-nistp256 AAAAclient jmachine",
                "hostKeyType", "ecdsa",
                "hostPrivateKey", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\nBBBB\n-----END OPENSSH PRIVATE KEY-----\n",
                "hostPublicKey", "ecdsa-sha2-nistp256 AAAAhost"));
        assertTrue(userData.startsWith("#cloud-config\n"), userData);
        assertTrue(userData.contains("      - ecdsa-sha2-nistp256 AAAAclient jmachine\n"), userData);
        assertTrue(userData.contains("  ecdsa_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    AAAA\n    BBBB\n    -----END OPENSSH PRIVATE KEY-----\n"), userData);
        assertTrue(userData.contains("  ecdsa_public: ecdsa-sha2-nistp256 AAAAhost"), userData);
    }

    @Test
    void cloudInitMetaData() {
        assertEquals("instance-id: jm-dev1-1\nlocal-hostname: dev1\n",
                templates.render(TemplateName.CLOUD_INIT_META_DATA, Map.of("instanceId", "jm-dev1-1", "hostname", "dev1")));
    }

    @Test
    void systemdUnitRunsTheBundleWithItsConfigAndLeavesContainersAlone() {
        String unit = templates.render(TemplateName.ENGINE_SYSTEMD_UNIT, Map.of(
                "bundleDir", "/opt/jmachine-engine", "configFile", "/etc/jmachine-engine/config.json",
                "description", "jmachine container engine"));
        assertTrue(unit.contains("ExecStart=/opt/jmachine-engine/bin/jmachine-engine --config-file /etc/jmachine-engine/config.json\n"), unit);
        assertTrue(unit.contains("KillMode=process\n"), unit);
        assertTrue(unit.contains("[Install]\nWantedBy=multi-user.target"), unit);
    }

    @Test
    void engineConfigIsJsonWithEscapedValues() throws Exception {
        String json = templates.render(TemplateName.ENGINE_CONFIG, Map.of(
                "hosts", List.of("unix:///run/jmachine-engine.sock", "tcp://0.0.0.0:2376"),
                "dataRoot", "/var/lib/jmachine-engine", "execRoot", "/run/jmachine-engine",
                "tlsCaCert", "/etc/jmachine-engine/ca.pem", "tlsCert", "/etc/jmachine-engine/server.pem",
                "tlsKey", "/etc/jmachine-engine/server-key.pem",
                "labels", List.of("owner=\"me\""), "insecureRegistries", List.of(), "registryMirrors", List.of()));
        JsonNode config = new ObjectMapper().readTree(json);
        assertEquals("tcp://0.0.0.0:2376", config.get("hosts").get(1).asText());
        assertTrue(config.get("tlsverify").asBoolean());
        assertEquals("owner=\"me\"", config.get("labels").get(0).asText());
        assertEquals(0, config.get("insecure-registries").size());
    }

    @Test
    void engineConfigTakesAPidfileAndMoreKeysWithBooleansAsBooleans() throws Exception {
        Map<String, Object> model = new java.util.HashMap<>(Map.of(
                "hosts", List.of("tcp://0.0.0.0:2376"), "dataRoot", "/d", "execRoot", "/e", "pidfile", "/e/engine.pid",
                "tlsCaCert", "/c/ca.pem", "tlsCert", "/c/server.pem", "tlsKey", "/c/server-key.pem",
                "labels", List.of(), "insecureRegistries", List.of("r.local:5000"), "registryMirrors", List.of()));
        java.util.LinkedHashMap<String, String> options = new java.util.LinkedHashMap<>();
        options.put("bridge", "jmm0");
        options.put("bip", "10.213.0.1/24");
        options.put("allow-insecure-tcp", "false");
        model.put("options", options);
        JsonNode config = new ObjectMapper().readTree(templates.render(TemplateName.ENGINE_CONFIG, model));
        assertEquals("/e/engine.pid", config.get("pidfile").asText());
        assertEquals("jmm0", config.get("bridge").asText());
        assertEquals("10.213.0.1/24", config.get("bip").asText());
        assertTrue(config.get("allow-insecure-tcp").isBoolean());
        assertEquals("r.local:5000", config.get("insecure-registries").get(0).asText());
    }

    @Test
    void systemdUnitCarriesTheEngineEnvironmentQuoted() {
        String unit = templates.render(TemplateName.ENGINE_SYSTEMD_UNIT, Map.of(
                "bundleDir", "/opt/jmachine-engine", "configFile", "/etc/jmachine-engine/config.json",
                "description", "jmachine container engine", "environment", List.of("HTTP_PROXY=http://p:3128", "X=a \"b\"")));
        assertTrue(unit.contains("Environment=\"HTTP_PROXY=http://p:3128\"\n"), unit);
        assertTrue(unit.contains("Environment=\"X=a \\\"b\\\"\"\n"), unit);
        assertTrue(unit.indexOf("Environment=") < unit.indexOf("ExecStart="), unit);
    }

    @Test
    void aMissingModelValueFailsNamingTheTemplate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> templates.render(TemplateName.CLOUD_INIT_META_DATA, Map.of("hostname", "dev1")));
        assertTrue(e.getMessage().contains("cloud-init/meta-data.ftl"), e.getMessage());
    }
}
