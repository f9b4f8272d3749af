package io.jmachine.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How each shell sets and unsets variables, for `jmachine env`. */
enum ShellEnv {
    bash, zsh, fish, powershell, cmd, tcsh;

    /** The user's shell from $SHELL; bash where it says nothing known (Docker Machine's rule, less Windows). */
    static ShellEnv detect(Map<String, String> environment) {
        String shell = environment.getOrDefault("SHELL", "");
        String name = shell.substring(shell.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "fish" -> fish;
            case "zsh" -> zsh;
            case "tcsh", "csh" -> tcsh;
            case "pwsh", "powershell" -> powershell;
            default -> bash;
        };
    }

    String set(String name, String value) {
        return switch (this) {
            case bash, zsh -> "export " + name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`") + "\"";
            case fish -> "set -gx " + name + " \"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\";";
            case powershell -> "$Env:" + name + " = \"" + value.replace("`", "``").replace("\"", "`\"").replace("$", "`$") + "\"";
            case cmd -> "SET " + name + "=" + value;
            case tcsh -> "setenv " + name + " \"" + value.replace("\"", "\"\\\"\"") + "\";";
        };
    }

    String unset(String name) {
        return switch (this) {
            case bash, zsh -> "unset " + name;
            case fish -> "set -e " + name + ";";
            case powershell -> "Remove-Item Env:\\" + name;
            case cmd -> "SET " + name + "=";
            case tcsh -> "unsetenv " + name + ";";
        };
    }

    private String comment(String text) {
        return (this == cmd ? "REM " : "# ") + text;
    }

    /** The lines `env` prints: the variables, then how to apply them. */
    List<String> script(Map<String, String> variables, List<String> unset, String commandLine) {
        List<String> lines = new ArrayList<>();
        variables.forEach((name, value) -> lines.add(set(name, value)));
        unset.forEach(name -> lines.add(unset(name)));
        lines.add(comment("Run this command to configure your shell:"));
        lines.add(comment(switch (this) {
            case bash, zsh -> "eval $(" + commandLine + ")";
            case fish -> "eval (" + commandLine + ")";
            case powershell -> "& " + commandLine + " | Invoke-Expression";
            case cmd -> "@FOR /f \"tokens=*\" %i IN ('" + commandLine + "') DO @%i";
            case tcsh -> "eval `" + commandLine + "`";
        }));
        return lines;
    }
}
