package io.jmachine.engine.container;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.spec.SeccompMode;
import io.jmachine.engine.runtime.spec.SeccompProfile;

import java.util.List;
import java.util.Set;

/**
 * HostConfig.SecurityOpt read as dockerd's parseSecurityOpt reads it. {@code label=} and {@code apparmor=} are
 * accepted and not applied: this engine has neither SELinux nor AppArmor support, as dockerd on a host without them.
 *
 * @param noNewPrivileges {@code no-new-privileges} (alone, {@code =BOOL} or {@code :BOOL})
 * @param seccomp         {@code seccomp=unconfined}, {@code seccomp=builtin} or a profile's JSON, as the docker CLI
 *                        sends {@code --security-opt seccomp=FILE}
 */
record SecurityOptions(boolean noNewPrivileges, SeccompMode seccomp) {

    /** Go's strconv.ParseBool, which dockerd uses for no-new-privileges. */
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

    /**
     * @throws EngineException INVALID, for what dockerd refuses (an option without a value, an unknown key, a bad boolean) and
     *                      for a seccomp profile that cannot be used, naming the problem
     */
    static SecurityOptions parse(List<String> securityOpt) {
        boolean noNewPrivileges = false;
        SeccompMode seccomp = SeccompMode.DEFAULT;
        for (String opt : securityOpt) {
            if (opt.equals("no-new-privileges")) {
                noNewPrivileges = true;
                continue;
            }
            if (opt.equals("disable")) {
                // label disable: nothing to turn off without SELinux
                continue;
            }
            int separator = opt.indexOf('=') >= 0 ? opt.indexOf('=') : opt.indexOf(':');
            if (separator < 0) {
                throw EngineException.invalid("invalid --security-opt 1: \"" + opt + "\"");
            }
            String key = opt.substring(0, separator);
            String value = opt.substring(separator + 1);
            switch (key) {
                case "label", "apparmor" -> {
                    // accepted as dockerd does on a host without SELinux or AppArmor; `docker info` names neither
                }
                case "seccomp" -> seccomp = seccomp(value);
                case "no-new-privileges" -> {
                    if (!TRUE.contains(value) && !FALSE.contains(value)) {
                        throw EngineException.invalid("invalid --security-opt 2: \"" + opt + "\"");
                    }
                    noNewPrivileges = TRUE.contains(value);
                }
                default -> throw EngineException.invalid("invalid --security-opt 2: \"" + opt + "\"");
            }
        }
        return new SecurityOptions(noNewPrivileges, seccomp);
    }

    private static SeccompMode seccomp(String value) {
        return switch (value) {
            case "" -> SeccompMode.DEFAULT;
            case "unconfined" -> SeccompMode.UNCONFINED;
            case "builtin" -> new SeccompMode.Profile(SeccompProfile.dockerDefault());
            default -> {
                try {
                    yield new SeccompMode.Profile(SeccompProfile.parse(value));
                } catch (IllegalArgumentException e) {
                    throw EngineException.invalid(e.getMessage());
                }
            }
        };
    }
}
