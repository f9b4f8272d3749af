package io.jmachine.drivers;

import java.util.List;
import java.util.Objects;

/**
 * One flag a driver adds to `jmachine create` (Docker Machine's mcnflag): the CLI turns these into picocli
 * options, so drivers need no CLI code and `create --help` lists every driver's flags.
 *
 * @param name         the long name with its dashes, e.g. {@code --generic-ip-address}: by convention prefixed with the
 *                     driver's name, so that drivers never claim the same flag
 * @param type         how the value is parsed
 * @param defaultValue the value when the flag is absent (null: none; for lists, ignored)
 * @param envVar       an environment variable that stands in for the flag when it is absent, or null
 * @param secret       the value is a secret: it never goes into machine.json nor into `inspect`
 */
public record DriverFlag(String name, String description, Type type, String defaultValue, String envVar, boolean secret) {

    public enum Type { STRING, INT, BOOLEAN, STRING_LIST }

    public DriverFlag {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(type, "type");
        if (!name.startsWith("--")) {
            throw new IllegalArgumentException("a driver flag is a long option starting with --, got " + name);
        }
    }

    public static DriverFlag string(String name, String description, String defaultValue) {
        return new DriverFlag(name, description, Type.STRING, defaultValue, null, false);
    }

    public static DriverFlag integer(String name, String description, int defaultValue) {
        return new DriverFlag(name, description, Type.INT, Integer.toString(defaultValue), null, false);
    }

    public static DriverFlag bool(String name, String description) {
        return new DriverFlag(name, description, Type.BOOLEAN, "false", null, false);
    }

    public static DriverFlag stringList(String name, String description) {
        return new DriverFlag(name, description, Type.STRING_LIST, null, null, false);
    }

    public DriverFlag withEnv(String variable) {
        return new DriverFlag(name, description, type, defaultValue, variable, secret);
    }

    public DriverFlag asSecret() {
        return new DriverFlag(name, description, type, defaultValue, envVar, true);
    }

    /** The parsed form of {@link #defaultValue()}. */
    public Object parsedDefault() {
        return switch (type) {
            case STRING -> defaultValue;
            case INT -> defaultValue == null ? null : Integer.valueOf(defaultValue);
            case BOOLEAN -> Boolean.parseBoolean(defaultValue);
            case STRING_LIST -> List.of();
        };
    }
}
