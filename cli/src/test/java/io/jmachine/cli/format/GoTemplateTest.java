package io.jmachine.cli.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoTemplateTest {

    private static final JsonNode HOST = read("""
            {"Name": "dev1", "DriverName": "generic", "Driver": {"IPAddress": "10.0.0.5", "SSHPort": 22, "Tags": null},
             "HostOptions": {"EngineOptions": {"Labels": ["a=1", "provider=generic"], "Env": []}}, "Running": true}""");

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String render(String template) {
        return GoTemplate.parse(template).render(HOST);
    }

    @Test
    void fieldsAndNestedFieldsAsDockerMachineUsersWriteThem() {
        assertEquals("dev1", render("{{.Name}}"));
        assertEquals("10.0.0.5:22", render("{{.Driver.IPAddress}}:{{.Driver.SSHPort}}"));
        assertEquals("dev1 generic true", render("{{ .Name }} {{.DriverName}} {{.Running}}"));
        assertEquals("[a=1 provider=generic]", render("{{.HostOptions.EngineOptions.Labels}}"));
        assertEquals("[]", render("{{.HostOptions.EngineOptions.Env}}"));
        assertEquals("map[IPAddress:10.0.0.5 SSHPort:22 Tags:<nil>]", render("{{.Driver}}"));
        assertEquals("<no value>", render("{{.Nope}}"));
        assertEquals("no actions", render("no actions"));
    }

    @Test
    void jsonAndCaseFunctions() throws Exception {
        assertEquals(HOST, new ObjectMapper().readTree(render("{{json .}}")));
        assertEquals("{\"IPAddress\":\"10.0.0.5\",\"SSHPort\":22,\"Tags\":null}", render("{{json .Driver}}"));
        assertEquals("[\"a=1\",\"provider=generic\"]", render("{{json .HostOptions.EngineOptions.Labels}}"));
        assertEquals("DEV1 generic", render("{{upper .Name}} {{lower .DriverName}}"));
    }

    @Test
    void trimMarkersEatTheSpaceBesideThem() {
        assertEquals("dev1,generic", render("{{.Name}} ,\n {{- .DriverName}}".replace(" ,", ",")));
        assertEquals("dev1generic", render("{{.Name -}}   \n  {{.DriverName}}"));
    }

    @Test
    void unsupportedActionsAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> GoTemplate.parse("{{if .Name}}x{{end}}"));
        assertTrue(e.getMessage().contains("{{if .Name}} is not supported"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoTemplate.parse("{{range .Labels}}"));
        assertThrows(IllegalArgumentException.class, () -> GoTemplate.parse("{{.Name"));
        assertThrows(IllegalArgumentException.class, () -> GoTemplate.parse("{{printf \"%s\" .Name}}"));
        var field = assertThrows(IllegalArgumentException.class, () -> render("{{.Name.First}}"));
        assertTrue(field.getMessage().contains("cannot read field First"), field.getMessage());
    }

    @Test
    void headersForTables() {
        GoTemplate template = GoTemplate.parse("{{.Name}}\t{{.DriverName}}\t{{.Custom}}");
        assertEquals(List.of("Name", "DriverName", "Custom"), template.fields());
        assertEquals("NAME\tDRIVER\tCUSTOM", template.renderHeader(Map.of("Name", "NAME", "DriverName", "DRIVER")));
    }
}
