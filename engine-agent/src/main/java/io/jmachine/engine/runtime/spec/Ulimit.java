package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;

import java.util.Locale;
import java.util.Set;

/** A resource limit as Docker's {@code --ulimit name=soft[:hard]}; -1 means unlimited. */
public record Ulimit(String name, long soft, long hard) {

    private static final Set<String> NAMES = Set.of("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
            "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    public Ulimit {
        name = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw EngineException.invalid("invalid ulimit type: " + name);
        }
        if (soft != -1 && hard != -1 && soft > hard) {
            throw EngineException.invalid("ulimit soft limit must be less than or equal to hard limit: " + soft + " > " + hard);
        }
    }

    public static Ulimit parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw EngineException.invalid("invalid ulimit argument: " + text + " (use name=soft[:hard])");
        }
        String name = text.substring(0, eq);
        String[] limits = text.substring(eq + 1).split(":", -1);
        if (limits.length > 2) {
            throw EngineException.invalid("too many limit value arguments - " + text + ", can only have up to two, `soft[:hard]`");
        }
        long soft = number(text, limits[0]);
        long hard = limits.length == 2 ? number(text, limits[1]) : soft;
        return new Ulimit(name, soft, hard);
    }

    /** The OCI rlimit type, e.g. RLIMIT_NOFILE. */
    public String rlimitType() {
        return "RLIMIT_" + name.toUpperCase(Locale.ROOT);
    }

    private static long number(String text, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid ulimit argument: " + text + " (limits are integers)");
        }
    }
}
