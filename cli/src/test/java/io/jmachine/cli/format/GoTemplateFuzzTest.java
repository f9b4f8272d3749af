package io.jmachine.cli.format;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/**
 * Any --format text the user types: parsed and rendered, it is output or an IllegalArgumentException that names the
 * template, never another exception. The corpus (GoTemplateFuzzTestInputs) runs in every build.
 */
class GoTemplateFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DATA = JSON.valueToTree(Map.of("Name", "box", "State", Map.of("Status", "running", "Pid", 42),
            "Labels", Map.of("a", "b"), "Ports", java.util.List.of(Map.of("PrivatePort", 80))));

    @FuzzTest(maxDuration = "30s")
    void anyTemplateRendersOrIsRefusedByName(FuzzedDataProvider data) {
        String template = data.consumeRemainingAsString();
        GoTemplate parsed;
        try {
            parsed = GoTemplate.parse(template);
        } catch (IllegalArgumentException refused) {
            return;
        }
        try {
            parsed.render(DATA);
            parsed.fields();
            parsed.renderHeader(Map.of("Name", "NAME"));
        } catch (IllegalArgumentException refused) {
            // a field of the wrong kind: named, as the docker CLI names it
        }
    }
}
