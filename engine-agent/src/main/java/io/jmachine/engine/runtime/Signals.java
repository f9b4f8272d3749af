package io.jmachine.engine.runtime;

import io.jmachine.engine.errors.EngineException;

import java.util.Locale;
import java.util.Map;

/** Linux signal names and numbers, for {@code docker kill -s} and {@code docker stop}'s StopSignal. */
public final class Signals {

    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
            Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9),
            Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
            Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19),
            Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24),
            Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29),
            Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {
    }

    /**
     * The number of a signal given as a number ({@code 9}), a name with or without SIG ({@code KILL},
     * {@code sigterm}) or a real-time offset ({@code RTMIN+3}).
     *
     * @throws EngineException INVALID, {@code Invalid signal: X}, as Docker says
     */
    public static int parse(String signal) {
        String text = signal == null ? "" : signal.trim().toUpperCase(Locale.ROOT);
        if (text.startsWith("SIG")) {
            text = text.substring(3);
        }
        Integer number = null;
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() <= 2) {
            number = Integer.parseInt(text);
        } else if (NUMBERS.containsKey(text)) {
            number = NUMBERS.get(text);
        } else if (text.startsWith("RTMIN")) {
            number = SIGRTMIN + offset(text.substring(5));
        } else if (text.startsWith("RTMAX")) {
            number = SIGRTMAX + offset(text.substring(5));
        }
        if (number == null || number < 1 || number > SIGRTMAX) {
            throw EngineException.invalid("Invalid signal: " + signal);
        }
        return number;
    }

    private static Integer offset(String rest) {
        if (rest.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(rest.startsWith("+") ? rest.substring(1) : rest);
        } catch (NumberFormatException e) {
            return 1000;
        }
    }
}
