package io.jmachine.provisioner.contexts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The docker CLI's JSON files as JSON objects: read whole (or found absent), written as the docker CLI writes them. */
final class DockerJson {

    static final ObjectMapper JSON = JsonMapper.builder()
            // Go's decoder refuses anything after the object; so does this, so that a torn file never counts as read
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    // Go's json.MarshalIndent(v, "", "\t"), as config.json is written: tabs, "key": value, {} for an empty object
    private static final DefaultPrettyPrinter TABS = new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER).withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("\t", "\n")).withArrayIndenter(new DefaultIndenter("\t", "\n"));

    private DockerJson() {
    }

    /** The object in {@code file}; empty when the file does not exist; an empty file reads as {} (as the docker CLI reads it). */
    static Optional<ObjectNode> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DockerConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (text.isBlank()) {
            return Optional.of(JSON.createObjectNode());
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DockerConfigException(file + " is not valid JSON (" + e.getOriginalMessage() + "); jmachine leaves it as it is: "
                    + "fix or remove it", e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new DockerConfigException(file + " does not hold a JSON object; jmachine leaves it as it is: fix or remove it");
        }
        return Optional.of(object);
    }

    static byte[] compact(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }

    static byte[] indented(JsonNode node) {
        try {
            return JSON.writer(TABS).writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }
}
