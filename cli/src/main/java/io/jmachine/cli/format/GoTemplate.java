package io.jmachine.cli.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Go's text/template that Docker Machine users put in {@code --format}: text with actions
 * {@code {{.}}}, {@code {{.Field.Sub}}}, {@code {{json .Field}}}, {@code {{upper .X}}}, {@code {{lower .X}}},
 * and Go's trim markers {@code {{- … -}}}. Values print as Go prints them: lists as {@code [a b]}, objects as
 * {@code map[k:v]}, a missing field as {@code <no value>}. Anything else is refused when parsed, naming the
 * action, rather than rendered wrongly. (No maintained Java library of Go templates was found on Maven Central.)
 */
public final class GoTemplate {

    private static final Pattern ACTION = Pattern.compile("\\{\\{(-\\s)?(.*?)(\\s-)?}}", Pattern.DOTALL);
    private static final Pattern PATH = Pattern.compile("\\.|(\\.[A-Za-z_][A-Za-z0-9_]*)+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private sealed interface Part permits Text, Value {}

    private record Text(String text) implements Part {}

    /** @param function null, "json", "upper" or "lower" */
    private record Value(String function, List<String> path) implements Part {}

    private final String source;
    private final List<Part> parts;

    private GoTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    public static GoTemplate parse(String template) {
        List<Part> parts = new ArrayList<>();
        Matcher matcher = ACTION.matcher(template);
        int at = 0;
        boolean trimNext = false;
        while (matcher.find()) {
            String text = template.substring(at, matcher.start());
            if (trimNext) {
                text = text.stripLeading();
            }
            if (matcher.group(1) != null) {
                text = text.stripTrailing();
            }
            parts.add(new Text(text));
            parts.add(action(matcher.group(2).strip(), template));
            trimNext = matcher.group(3) != null;
            at = matcher.end();
        }
        String rest = template.substring(at);
        parts.add(new Text(trimNext ? rest.stripLeading() : rest));
        if (template.substring(at).contains("{{")) {
            throw new IllegalArgumentException("template \"" + template + "\" has an unclosed {{");
        }
        return new GoTemplate(template, parts);
    }

    private static Value action(String action, String template) {
        String[] words = action.split("\\s+");
        String function = null;
        String path = words[0];
        if (words.length == 2 && List.of("json", "upper", "lower").contains(words[0])) {
            function = words[0];
            path = words[1];
        } else if (words.length != 1) {
            throw unsupported(action, template);
        }
        if (!PATH.matcher(path).matches()) {
            throw unsupported(action, template);
        }
        List<String> fields = path.equals(".") ? List.of() : List.of(path.substring(1).split("\\."));
        return new Value(function, fields);
    }

    private static IllegalArgumentException unsupported(String action, String template) {
        return new IllegalArgumentException("template \"" + template + "\": {{" + action + "}} is not supported; jmachine's templates take "
                + "{{.Field}}, {{.Field.Sub}}, {{json .Field}}, {{upper .Field}} and {{lower .Field}}");
    }

    /** The field names the template reads first ({{.Name}} → Name), in order; for `table` headers. */
    public List<String> fields() {
        List<String> fields = new ArrayList<>();
        for (Part part : parts) {
            if (part instanceof Value value && !value.path().isEmpty()) {
                fields.add(value.path().get(0));
            }
        }
        return fields;
    }

    /** Renders with each action replaced by the given text: a table's header line. */
    public String renderHeader(Map<String, String> headers) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Text text -> out.append(text.text());
                case Value value -> {
                    String field = value.path().isEmpty() ? "." : value.path().get(0);
                    out.append(headers.getOrDefault(field, field.toUpperCase(java.util.Locale.ROOT)));
                }
            }
        }
        return out.toString();
    }

    public String render(JsonNode data) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Text text -> out.append(text.text());
                case Value value -> out.append(evaluate(value, data));
            }
        }
        return out.toString();
    }

    private String evaluate(Value value, JsonNode data) {
        JsonNode node = data;
        for (String field : value.path()) {
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("template \"" + source + "\": cannot read field " + field + " of a "
                        + (node == null ? "missing value" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
            }
            node = node.get(field);
        }
        if (value.function() == null) {
            return goString(node);
        }
        return switch (value.function()) {
            case "json" -> {
                try {
                    yield JSON.writeValueAsString(node);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            case "upper" -> goString(node).toUpperCase(java.util.Locale.ROOT);
            case "lower" -> goString(node).toLowerCase(java.util.Locale.ROOT);
            default -> throw new IllegalStateException(value.function());
        };
    }

    /** How Go's fmt prints a value: maps with sorted keys as map[k:v], slices as [a b]. */
    static String goString(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "<no value>";
        }
        if (node.isNull()) {
            return "<nil>";
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(goString(item)));
            return "[" + String.join(" ", items) + "]";
        }
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                sorted.put(entry.getKey(), entry.getValue());
            }
            List<String> items = new ArrayList<>();
            sorted.forEach((k, v) -> items.add(k + ":" + goString(v)));
            return "map[" + String.join(" ", items) + "]";
        }
        return node.asText();
    }
}
