package io.jmachine.engine.build;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's time.ParseDuration for the HEALTHCHECK flags and the build cache's until filter: "30s", "1m30s", "500ms", "1.5h". */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {
    }

    static Duration parse(String text, String flag) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new BuildException("invalid duration \"" + text + "\" for --" + flag + ": use Go's form, e.g. 30s or 1m30s");
        }
    }

    /** The duration; IllegalArgumentException when {@code text} is not in Go's form. */
    public static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher part = PART.matcher(text);
        double nanos = 0;
        int end = 0;
        while (part.find() && part.start() == end) {
            double value = Double.parseDouble(part.group(1));
            nanos += value * switch (part.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            end = part.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\": use Go's form, e.g. 30s or 1m30s");
        }
        return Duration.ofNanos((long) nanos);
    }
}
