package io.jmachine.provisioner.store;

import java.util.regex.Pattern;

/** Machine names as Docker Machine takes them: they become folder names, host names and libvirt domain names. */
public final class MachineName {

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9.-]{0,62}");

    private MachineName() {
    }

    public static String check(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid machine name \"" + name + "\": use letters, digits, '.' and '-', "
                    + "starting with a letter or digit, at most 63 characters");
        }
        return name;
    }
}
