package io.jmachine.engine.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies Dockerfile-like changes ({@code docker import -c}, {@code docker commit -c}) to an image's
 * run config: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, VOLUME, STOPSIGNAL. As in a Dockerfile,
 * ENTRYPOINT clears an inherited CMD unless the changes set CMD too, and shell forms run through /bin/sh -c.
 */
public final class ConfigChanges {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigChanges() {
    }

    public static ImageConfig.RunConfig apply(ImageConfig.RunConfig base, List<String> changes) {
        Builder config = new Builder(base);
        boolean cmdSet = false;
        for (String change : changes) {
            String line = change.strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            String instruction = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String args = space < 0 ? "" : line.substring(space + 1).strip();
            switch (instruction) {
                case "CMD" -> {
                    config.cmd = commandForm(args);
                    cmdSet = true;
                }
                case "ENTRYPOINT" -> {
                    config.entrypoint = args.isEmpty() ? null : commandForm(args);
                    if (!cmdSet) {
                        config.cmd = null;
                    }
                }
                case "ENV" -> {
                    for (Map.Entry<String, String> pair : pairs(change, args).entrySet()) {
                        config.env.removeIf(e -> e.equals(pair.getKey()) || e.startsWith(pair.getKey() + "="));
                        config.env.add(pair.getKey() + "=" + pair.getValue());
                    }
                }
                case "LABEL" -> config.labels.putAll(pairs(change, args));
                case "EXPOSE" -> {
                    for (String port : words(args)) {
                        String spec = port.contains("/") ? port.toLowerCase(Locale.ROOT) : port + "/tcp";
                        if (!spec.matches("[0-9]+(-[0-9]+)?/(tcp|udp|sctp)")) {
                            throw EngineException.invalid("invalid EXPOSE port " + port + " in change: " + change);
                        }
                        config.exposedPorts.put(spec, Map.of());
                    }
                }
                case "USER" -> config.user = required(change, args);
                case "WORKDIR" -> {
                    String dir = required(change, args);
                    config.workingDir = dir.startsWith("/") || config.workingDir == null
                            ? (dir.startsWith("/") ? dir : "/" + dir) : config.workingDir.replaceAll("/+$", "") + "/" + dir;
                }
                case "VOLUME" -> {
                    List<String> volumes = args.startsWith("[") ? jsonList(change, args) : words(args);
                    for (String volume : volumes) {
                        config.volumes.put(volume, Map.of());
                    }
                }
                case "STOPSIGNAL" -> config.stopSignal = required(change, args);
                default -> throw EngineException.invalid(instruction + " is not a valid change command");
            }
        }
        return config.build();
    }

    private static String required(String change, String args) {
        if (args.isEmpty()) {
            throw EngineException.invalid("change " + change.strip() + " needs an argument");
        }
        return words(args).getFirst();
    }

    /** The JSON exec form as it is, anything else in shell form. */
    private static List<String> commandForm(String args) {
        if (args.startsWith("[")) {
            try {
                return JSON.readValue(args, new TypeReference<List<String>>() { });
            } catch (java.io.IOException notJson) {
                // Dockerfile rule: text that is not a JSON string array is a shell command
            }
        }
        return List.of("/bin/sh", "-c", args);
    }

    private static List<String> jsonList(String change, String args) {
        try {
            return JSON.readValue(args, new TypeReference<List<String>>() { });
        } catch (java.io.IOException e) {
            throw EngineException.invalid("invalid JSON array in change " + change + ": " + e.getMessage());
        }
    }

    /** "k=v k2=\"v 2\"", or the legacy "k v with spaces". */
    private static Map<String, String> pairs(String change, String args) {
        Map<String, String> pairs = new LinkedHashMap<>();
        List<String> words = words(args);
        if (words.isEmpty()) {
            throw EngineException.invalid("change " + change.strip() + " needs key=value");
        }
        if (!words.getFirst().contains("=")) {
            int space = args.indexOf(' ');
            if (space < 0) {
                throw EngineException.invalid("change " + change.strip() + " needs key=value or key value");
            }
            pairs.put(words.getFirst(), args.substring(space + 1).strip());
            return pairs;
        }
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw EngineException.invalid("change " + change.strip() + ": " + word + " is not key=value");
            }
            pairs.put(word.substring(0, equals), word.substring(equals + 1));
        }
        return pairs;
    }

    /** Splits on unquoted blanks; quotes group and are dropped, a backslash escapes the next character. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quote != '\'' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static final class Builder {
        String user;
        Map<String, Object> exposedPorts;
        List<String> env;
        List<String> entrypoint;
        List<String> cmd;
        Map<String, Object> volumes;
        String workingDir;
        Map<String, String> labels;
        String stopSignal;
        final ImageConfig.RunConfig base;

        Builder(ImageConfig.RunConfig base) {
            this.base = base;
            user = base.user();
            exposedPorts = base.exposedPorts() == null ? new TreeMap<>() : new TreeMap<>(base.exposedPorts());
            env = base.env() == null ? new ArrayList<>() : new ArrayList<>(base.env());
            entrypoint = base.entrypoint();
            cmd = base.cmd();
            volumes = base.volumes() == null ? new TreeMap<>() : new TreeMap<>(base.volumes());
            workingDir = base.workingDir();
            labels = base.labels() == null ? new TreeMap<>() : new TreeMap<>(base.labels());
            stopSignal = base.stopSignal();
        }

        ImageConfig.RunConfig build() {
            return new ImageConfig.RunConfig(user, exposedPorts.isEmpty() ? null : exposedPorts, env.isEmpty() ? null : env,
                    entrypoint, cmd, base.healthcheck(), base.argsEscaped(), volumes.isEmpty() ? null : volumes, workingDir,
                    labels.isEmpty() ? null : labels, base.onBuild(), stopSignal, base.shell());
        }
    }
}
