package io.jmachine.engine.time;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's time.ParseDuration: "30s", "1m30s", "500ms", "1.5h", "-2h"; what Docker's flags and filters take. */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)");

    private GoDuration() {
    }

    /** The duration, or an IllegalArgumentException in Go's words ("time: invalid duration \"x\""). */
    public static Duration parse(String text) {
        String digits = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        if (digits.equals("0")) {
            return Duration.ZERO;
        }
        Matcher part = PART.matcher(digits);
        double nanos = 0;
        int end = 0;
        while (part.find() && part.start() == end) {
            double value = Double.parseDouble(part.group(1));
            nanos += value * switch (part.group(2)) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            end = part.end();
        }
        if (end == 0 || end != digits.length()) {
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
        }
        Duration duration = Duration.ofNanos((long) nanos);
        return text.startsWith("-") ? duration.negated() : duration;
    }
}
