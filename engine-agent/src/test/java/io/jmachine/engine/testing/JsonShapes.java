package io.jmachine.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The shape of a JSON document, and where two shapes differ: keys, JSON types, null against an empty object or
 * array, empty against filled arrays. Values do not count. Paths read {@code HostConfig.LogConfig.Type}, with
 * {@code []} for any array element and {@code *} for any key of a dictionary (an object whose keys are data, such
 * as a network's Containers by ID). Arrays of equal length are compared element by element, others by the
 * union of their elements' shapes.
 */
public final class JsonShapes {

    /** One place where the shapes differ: the path, and what dockerd and the engine have there. */
    public record Difference(String path, String reference, String actual) {
        @Override
        public String toString() {
            return path + ": dockerd " + reference + ", engine " + actual;
        }
    }

    private sealed interface Shape permits Obj, Arr, Scalar {}

    private record Obj(Map<String, Shape> fields) implements Shape {}

    private record Arr(List<Shape> elements) implements Shape {}

    private record Scalar(String type) implements Shape {}

    private static final Scalar ABSENT = new Scalar("absent");

    private JsonShapes() {
    }

    /**
     * @param dictionaries paths whose objects are dictionaries: their keys are merged into {@code *}
     * @return the differences, each path once, in path order
     */
    public static List<Difference> differences(JsonNode reference, JsonNode actual, Set<String> dictionaries) {
        Set<Difference> out = new LinkedHashSet<>();
        compare("", shape(reference, "", dictionaries), shape(actual, "", dictionaries), out);
        List<Difference> sorted = new ArrayList<>(out);
        sorted.sort(java.util.Comparator.comparing(Difference::path));
        return sorted;
    }

    private static Shape shape(JsonNode node, String path, Set<String> dictionaries) {
        if (node == null || node.isMissingNode()) {
            return ABSENT;
        }
        if (node.isObject()) {
            Map<String, Shape> fields = new TreeMap<>();
            boolean dictionary = dictionaries.contains(path);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = dictionary ? "*" : field.getKey();
                Shape value = shape(field.getValue(), join(path, key), dictionaries);
                fields.merge(key, value, JsonShapes::merge);
            }
            return new Obj(fields);
        }
        if (node.isArray()) {
            List<Shape> elements = new ArrayList<>();
            node.forEach(element -> elements.add(shape(element, path + "[]", dictionaries)));
            return new Arr(elements);
        }
        if (node.isNull()) {
            return new Scalar("null");
        }
        if (node.isNumber()) {
            return new Scalar("number");
        }
        if (node.isBoolean()) {
            return new Scalar("boolean");
        }
        return new Scalar("string");
    }

    /** One shape that holds both: objects take the union of their keys, arrays the union of their elements. */
    private static Shape merge(Shape a, Shape b) {
        if (a instanceof Obj oa && b instanceof Obj ob) {
            Map<String, Shape> fields = new TreeMap<>(oa.fields());
            ob.fields().forEach((key, value) -> fields.merge(key, value, JsonShapes::merge));
            return new Obj(fields);
        }
        if (a instanceof Arr aa && b instanceof Arr ab) {
            List<Shape> all = new ArrayList<>(aa.elements());
            all.addAll(ab.elements());
            return new Arr(all.isEmpty() ? List.of() : List.of(all.stream().reduce(JsonShapes::merge).orElseThrow()));
        }
        if (a.equals(b)) {
            return a;
        }
        Set<String> types = new TreeSet<>();
        types.addAll(List.of(name(a).split("\\|")));
        types.addAll(List.of(name(b).split("\\|")));
        return new Scalar(String.join("|", types));
    }

    private static void compare(String path, Shape reference, Shape actual, Set<Difference> out) {
        if (reference instanceof Obj ro && actual instanceof Obj ao) {
            Set<String> keys = new TreeSet<>(ro.fields().keySet());
            keys.addAll(ao.fields().keySet());
            for (String key : keys) {
                compare(join(path, key), ro.fields().getOrDefault(key, ABSENT), ao.fields().getOrDefault(key, ABSENT), out);
            }
            return;
        }
        if (reference instanceof Arr ra && actual instanceof Arr aa) {
            if (ra.elements().isEmpty() != aa.elements().isEmpty()) {
                out.add(new Difference(path, describe(ra), describe(aa)));
            } else if (ra.elements().size() == aa.elements().size()) {
                for (int i = 0; i < ra.elements().size(); i++) {
                    compare(path + "[]", ra.elements().get(i), aa.elements().get(i), out);
                }
            } else {
                compare(path + "[]", ra.elements().stream().reduce(JsonShapes::merge).orElseThrow(),
                        aa.elements().stream().reduce(JsonShapes::merge).orElseThrow(), out);
            }
            return;
        }
        if (!name(reference).equals(name(actual))) {
            out.add(new Difference(path, describe(reference), describe(actual)));
        }
    }

    private static String describe(Shape shape) {
        return switch (shape) {
            case Arr arr -> arr.elements().isEmpty() ? "empty array" : "array";
            case Obj obj -> obj.fields().isEmpty() ? "empty object" : "object";
            case Scalar scalar -> scalar.type();
        };
    }

    private static String name(Shape shape) {
        return switch (shape) {
            case Arr arr -> "array";
            case Obj obj -> "object";
            case Scalar scalar -> scalar.type();
        };
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
