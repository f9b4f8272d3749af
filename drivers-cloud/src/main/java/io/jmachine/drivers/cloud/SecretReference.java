package io.jmachine.drivers.cloud;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jmachine.drivers.PreCreateCheckException;

import java.util.Map;

/**
 * Where one secret of a cloud driver (a password, a token) comes from: machine.json keeps this, never the value, which
 * is read at each call from the machine's owner-only secrets file (given as a flag) or from the variable.
 *
 * @param flag     the flag's name, under which the secrets file keeps a value given on the command line
 * @param variable the environment variable read otherwise
 * @param source   "flags" or "environment"
 */
public record SecretReference(@JsonProperty("Source") String source,
                              @JsonProperty("Flag") String flag,
                              @JsonProperty("Variable") String variable,
                              @JsonProperty("Value") String value) {

    public static final String MASKED = "not stored here: read from the source at each call";

    /** The reference for a new machine: the flag when it was given, else the variable. */
    public static SecretReference choose(String flag, String flagValue, String variable) {
        return new SecretReference(flagValue != null ? "flags" : "environment", flag, variable, MASKED);
    }

    /** The value now; a missing one fails as a pre-create check (exit 3) that names the flag and the variable. */
    public String read(Map<String, String> secrets, Map<String, String> environment) {
        String found = "flags".equals(source) ? secrets.get(flag) : environment.get(variable);
        if (found == null || found.isBlank()) {
            throw new PreCreateCheckException("no " + what() + ": set " + variable + " or give " + flag);
        }
        return found.strip();
    }

    private String what() {
        return flag.replaceFirst("^--[a-z0-9]+-", "").replace('-', ' ');
    }
}
