package io.jmachine.engine.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.engine.time.GoDuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The instructions that only change the image's config: ENV, LABEL, EXPOSE, VOLUME, USER, STOPSIGNAL, CMD,
 * ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER. Each returns the history line Docker writes for it
 * ({@code /bin/sh -c #(nop) ENV A=1}), which, after substitution, is also what the cache compares.
 */
final class ConfigInstructions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NOT_AS_TRIGGER = Set.of("ONBUILD", "FROM", "MAINTAINER");

    private ConfigInstructions() {
    }

    /** Applies the instruction; {@code cmdSet} tells whether this stage set CMD already (ENTRYPOINT clears an inherited one). */
    static String apply(Instruction instruction, Substitution substitution, char escape, RunConfigBuilder config, boolean cmdSet) {
        String args = instruction.args();
        return switch (instruction.keyword()) {
            case "ENV" -> {
                Map<String, String> pairs = pairs(instruction, substitution, escape);
                pairs.forEach(config::setEnv);
                yield nop("ENV " + joinPairs(pairs));
            }
            case "LABEL" -> {
                Map<String, String> pairs = pairs(instruction, substitution, escape);
                config.labels.putAll(pairs);
                yield nop("LABEL " + joinPairs(pairs));
            }
            case "EXPOSE" -> {
                List<String> ports = new ArrayList<>();
                for (String port : substitution.words(args)) {
                    String spec = port.contains("/") ? port.toLowerCase(Locale.ROOT) : port + "/tcp";
                    if (!spec.matches("[0-9]+(-[0-9]+)?/(tcp|udp|sctp)")) {
                        throw new BuildException("invalid containerPort: " + port);
                    }
                    config.exposedPorts.put(spec, Map.of());
                    ports.add(spec);
                }
                yield nop("EXPOSE " + String.join(" ", ports));
            }
            case "VOLUME" -> {
                List<String> volumes = instruction.isJsonForm()
                        ? instruction.json().stream().map(substitution::word).toList() : substitution.words(args);
                for (String volume : volumes) {
                    if (volume.isBlank()) {
                        throw new BuildException("VOLUME specified can not be an empty string");
                    }
                    config.volumes.put(volume, Map.of());
                }
                yield nop("VOLUME " + volumes);
            }
            case "USER" -> {
                config.user = substitution.word(args);
                yield nop("USER " + config.user);
            }
            case "STOPSIGNAL" -> {
                config.stopSignal = substitution.word(args);
                yield nop("STOPSIGNAL " + config.stopSignal);
            }
            case "CMD" -> {
                config.cmd = command(instruction, config);
                yield nop("CMD " + json(config.cmd));
            }
            case "ENTRYPOINT" -> {
                List<String> entrypoint = command(instruction, config);
                config.entrypoint = entrypoint.isEmpty() ? null : entrypoint;
                if (!cmdSet) {
                    config.cmd = null;
                }
                yield nop("ENTRYPOINT " + json(entrypoint));
            }
            case "SHELL" -> {
                if (!instruction.isJsonForm() || instruction.json().isEmpty()) {
                    throw new BuildException("SHELL requires the arguments to be in JSON form");
                }
                config.shell = instruction.json();
                yield nop("SHELL " + json(config.shell));
            }
            case "HEALTHCHECK" -> {
                config.healthcheck = healthcheck(instruction, config);
                yield nop("HEALTHCHECK " + config.healthcheck);
            }
            case "ONBUILD" -> {
                Instruction trigger = DockerfileParser.parseInstruction(args, instruction.line());
                if (NOT_AS_TRIGGER.contains(trigger.keyword())) {
                    throw new BuildException(trigger.keyword() + " isn't allowed as an ONBUILD trigger");
                }
                config.onBuild.add(trigger.original());
                yield nop("ONBUILD " + trigger.original());
            }
            case "MAINTAINER" -> nop("MAINTAINER " + substitution.word(args));
            default -> throw new IllegalArgumentException("not a config instruction: " + instruction.keyword());
        };
    }

    static boolean handles(String keyword) {
        return Set.of("ENV", "LABEL", "EXPOSE", "VOLUME", "USER", "STOPSIGNAL", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK",
                "ONBUILD", "MAINTAINER").contains(keyword);
    }

    /** The exec form as written, the shell form through the stage's shell (CMD, ENTRYPOINT and RUN alike). */
    static List<String> command(Instruction instruction, RunConfigBuilder config) {
        if (instruction.isJsonForm()) {
            return instruction.json();
        }
        List<String> command = new ArrayList<>(config.shellOrDefault());
        command.add(instruction.args());
        return command;
    }

    static String nop(String text) {
        return "/bin/sh -c #(nop) " + text;
    }

    /** "k=v k2=v2" (quotes removed, variables substituted) or the legacy "k some value". */
    static Map<String, String> pairs(Instruction instruction, Substitution substitution, char escape) {
        Map<String, String> pairs = new LinkedHashMap<>();
        List<String> raw = rawWords(instruction.args(), escape);
        if (raw.isEmpty()) {
            throw new BuildException(instruction.keyword() + " requires at least one argument");
        }
        if (!raw.getFirst().contains("=")) {
            String rest = instruction.args().strip().substring(raw.getFirst().length()).strip();
            if (rest.isEmpty()) {
                throw new BuildException(instruction.keyword() + " names can not be blank... " + instruction.keyword()
                        + " requires exactly two arguments when not in name=value form");
            }
            pairs.put(substitution.word(raw.getFirst()), substitution.word(rest));
            return pairs;
        }
        for (String word : raw) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new BuildException("Syntax error - can't find = in \"" + word + "\". Must be of the form: name=value");
            }
            String name = substitution.word(word.substring(0, eq));
            if (name.isEmpty()) {
                throw new BuildException(instruction.keyword() + " names can not be blank");
            }
            pairs.put(name, substitution.word(word.substring(eq + 1)));
        }
        return pairs;
    }

    /** Splits on unquoted blanks, keeping quotes and escapes in the words for the substitution that follows. */
    static List<String> rawWords(String text, char escape) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == escape && quote != '\'' && i + 1 < text.length()) {
                word.append(c).append(text.charAt(++i));
            } else if (quote != 0) {
                word.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word.append(c);
            } else if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static String joinPairs(Map<String, String> pairs) {
        StringBuilder text = new StringBuilder();
        pairs.forEach((k, v) -> text.append(text.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return text.toString();
    }

    private static ObjectNode healthcheck(Instruction instruction, RunConfigBuilder config) {
        ObjectNode check = JSON.createObjectNode();
        ArrayNode test = check.putArray("Test");
        String args = instruction.args().strip();
        if (args.equalsIgnoreCase("NONE")) {
            if (!instruction.flags().isEmpty()) {
                throw new BuildException("HEALTHCHECK NONE takes no options");
            }
            test.add("NONE");
            return check;
        }
        int space = args.indexOf(' ');
        if (space < 0 || !args.substring(0, space).equalsIgnoreCase("CMD")) {
            throw new BuildException("Unknown type \"" + (space < 0 ? args : args.substring(0, space)) + "\" in HEALTHCHECK (try CMD)");
        }
        String rest = args.substring(space + 1).strip();
        List<String> exec = DockerfileParser.jsonArray(rest);
        if (exec != null) {
            test.add("CMD");
            exec.forEach(test::add);
        } else {
            test.add("CMD-SHELL");
            test.add(rest);
        }
        for (Map.Entry<String, String> flag : instruction.flags().entrySet()) {
            switch (flag.getKey()) {
                case "interval" -> putDuration(check, "Interval", flag);
                case "timeout" -> putDuration(check, "Timeout", flag);
                case "start-period" -> putDuration(check, "StartPeriod", flag);
                case "start-interval" -> putDuration(check, "StartInterval", flag);
                case "retries" -> {
                    int retries = Integer.parseInt(flag.getValue());
                    if (retries < 1) {
                        throw new BuildException("--retries cannot be less than 1");
                    }
                    check.put("Retries", retries);
                }
                default -> throw new BuildException("Unknown flag: " + flag.getKey());
            }
        }
        return check;
    }

    private static void putDuration(ObjectNode check, String field, Map.Entry<String, String> flag) {
        Duration duration = null;
        try {
            duration = GoDuration.parse(flag.getValue());
        } catch (IllegalArgumentException e) {
            // refused below, with the flag named
        }
        if (duration == null || duration.isNegative()) {
            throw new BuildException("invalid duration \"" + flag.getValue() + "\" for --" + flag.getKey() + ": use Go's form, e.g. 30s or 1m30s");
        }
        if (!duration.isZero()) {
            check.put(field, duration.toNanos());
        }
    }

    private static String json(List<String> list) {
        try {
            return JSON.writeValueAsString(list);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
