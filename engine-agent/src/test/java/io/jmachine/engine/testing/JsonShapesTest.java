package io.jmachine.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonShapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> differences(String reference, String actual, String... dictionaries) throws Exception {
        JsonNode a = JSON.readTree(reference);
        JsonNode b = JSON.readTree(actual);
        return JsonShapes.differences(a, b, Set.of(dictionaries)).stream().map(Object::toString).toList();
    }

    @Test
    void equalShapesWithOtherValuesHaveNoDifference() throws Exception {
        assertEquals(List.of(), differences("{\"A\":\"x\",\"B\":1,\"C\":[1,2],\"D\":{\"E\":true}}",
                "{\"D\":{\"E\":false},\"C\":[3,4],\"B\":2.5,\"A\":\"y\"}"));
    }

    @Test
    void nullAgainstAnObjectIsADifference() throws Exception {
        assertEquals(List.of("HostConfig.LogConfig: dockerd object, engine null"),
                differences("{\"HostConfig\":{\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{}}}}", "{\"HostConfig\":{\"LogConfig\":null}}"));
    }

    @Test
    void missingAndExtraKeysAreDifferences() throws Exception {
        assertEquals(List.of("A: dockerd string, engine absent", "B: dockerd absent, engine number"),
                differences("{\"A\":\"x\"}", "{\"B\":1}"));
    }

    @Test
    void anEmptyArrayAgainstAFilledOneIsADifferenceButLengthsAreNot() throws Exception {
        assertEquals(List.of("M: dockerd array, engine empty array"), differences("{\"M\":[{\"a\":1}]}", "{\"M\":[]}"));
        assertEquals(List.of(), differences("{\"M\":[1,2,3]}", "{\"M\":[4]}"));
    }

    @Test
    void arraysOfEqualLengthAreComparedElementByElement() throws Exception {
        assertEquals(List.of("M[].Name: dockerd string, engine absent"),
                differences("{\"M\":[{\"Name\":\"v\",\"RW\":true},{\"RW\":true}]}", "{\"M\":[{\"RW\":true},{\"RW\":true}]}"));
    }

    @Test
    void dictionaryKeysAreMergedSoOnlyTheirValuesShapeCounts() throws Exception {
        assertEquals(List.of(), differences("{\"Containers\":{\"abc\":{\"Name\":\"x\"}}}", "{\"Containers\":{\"def\":{\"Name\":\"y\"}}}",
                "Containers"));
        assertEquals(List.of("Containers.*.IPv6Address: dockerd string, engine absent"),
                differences("{\"Containers\":{\"abc\":{\"Name\":\"x\",\"IPv6Address\":\"\"}}}",
                        "{\"Containers\":{\"def\":{\"Name\":\"y\"}}}", "Containers"));
    }
}
