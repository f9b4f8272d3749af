package io.jmachine.provisioner.ssh;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX sh quoting for command lines sent over SSH. */
public final class ShellQuoting {

    private ShellQuoting() {
    }

    /** The word as sh reads it back unchanged: plain when it is safe, else in single quotes. */
    public static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    public static String join(List<String> words) {
        return words.stream().map(ShellQuoting::quote).collect(Collectors.joining(" "));
    }
}
