package io.jmachine.engine.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Joins the flags given on the command line with the JSON config file. As in dockerd, a key set
 * in both places is an error rather than a silent precedence rule, and an unknown key is an error.
 */
public final class ConfigLoader {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule().addDeserializer(HostAddress.class, new JsonDeserializer<>() {
                @Override
                public HostAddress deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                    return HostAddress.parse(parser.getValueAsString());
                }
            }))
            .build();

    private ConfigLoader() {
    }

    /**
     * @param flags      the flags given explicitly, keyed by their config keys
     * @param configFile the --config-file, or null
     */
    public static EngineConfig load(Map<String, Object> flags, Path configFile) {
        Map<String, Object> merged = new LinkedHashMap<>(flags);
        if (configFile != null) {
            Map<String, Object> fromFile = readFile(configFile);
            String clashes = fromFile.keySet().stream().filter(flags::containsKey).sorted()
                    .map(k -> k + " (from flag: " + flags.get(k) + ", from file: " + fromFile.get(k) + ")")
                    .collect(Collectors.joining(", "));
            if (!clashes.isEmpty()) {
                throw new ConfigException("these settings are given both as a flag and in " + configFile + ": " + clashes
                        + "; keep each in one place");
            }
            merged.putAll(fromFile);
        }
        try {
            return MAPPER.convertValue(merged, EngineConfig.class);
        } catch (IllegalArgumentException e) {
            throw explain(e, configFile);
        }
    }

    private static Map<String, Object> readFile(Path configFile) {
        try {
            Map<String, Object> values = MAPPER.readValue(Files.readAllBytes(configFile), MAPPER.getTypeFactory()
                    .constructMapType(LinkedHashMap.class, String.class, Object.class));
            return values == null ? Map.of() : values;
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + configFile + " does not exist; create it or drop --config-file");
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + configFile + " is not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + configFile + ": " + e.getMessage(), e);
        }
    }

    private static ConfigException explain(IllegalArgumentException e, Path configFile) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConfigException config) {
                return config;
            }
        }
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof JsonMappingException)) {
            cause = cause.getCause();
        }
        String where = configFile == null ? "the flags" : "the flags or " + configFile;
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return new ConfigException("unknown setting \"" + unknown.getPropertyName() + "\" in " + where
                    + "; known settings: " + String.join(", ", new TreeSet<>(unknown.getKnownPropertyIds().stream().map(String::valueOf).toList())));
        }
        if (cause instanceof JsonMappingException mapping) {
            String key = mapping.getPath().isEmpty() ? "?" : String.valueOf(mapping.getPath().get(0).getFieldName());
            return new ConfigException("invalid value for \"" + key + "\" in " + where + ": " + mapping.getOriginalMessage());
        }
        return new ConfigException("invalid configuration in " + where + ": " + e.getMessage(), e);
    }
}
