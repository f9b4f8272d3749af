package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Capability names and Docker's arithmetic on them ({@code --cap-add}, {@code --cap-drop}, {@code --privileged}).
 * "All capabilities" means those the engine process itself holds: a container cannot get more than its
 * runtime has, and this host's bounding set lacks CAP_SYS_RESOURCE, so a fixed full list would fail to start.
 */
public final class LinuxCapabilities {

    /** Every capability the kernel defines, indexed by its number (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40). */
    public static final List<String> KNOWN = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
            "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
            "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    /** Docker's 14 defaults (moby daemon/pkg/oci/caps/defaults.go); their mask is 00000000a80425fb. */
    public static final List<String> DOCKER_DEFAULTS = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");

    private static final String ALL = "ALL";

    private LinuxCapabilities() {
    }

    /**
     * The capabilities a process may hand on, from its /proc/PID/status text: those both effective (it can use
     * them to set up the child) and in its bounding set (the child may keep them).
     */
    public static Set<String> heldIn(String procStatus) {
        long effective = maskField(procStatus, "CapEff");
        long bounding = maskField(procStatus, "CapBnd");
        return fromMask(effective & bounding);
    }

    /** The capability names set in a mask, in number order; bits past the known ones are ignored. */
    public static Set<String> fromMask(long mask) {
        Set<String> names = new LinkedHashSet<>();
        for (int bit = 0; bit < KNOWN.size(); bit++) {
            if ((mask & (1L << bit)) != 0) {
                names.add(KNOWN.get(bit));
            }
        }
        return names;
    }

    /** The 16-hex-digit mask of names, as /proc/PID/status prints CapEff. */
    public static String mask(Collection<String> names) {
        long mask = 0;
        for (String name : names) {
            mask |= 1L << number(name);
        }
        return HexFormat.of().toHexDigits(mask);
    }

    /**
     * Docker's TweakCapabilities: privileged gets everything held; {@code ALL} in capAdd gets everything held
     * except capDrop; {@code ALL} in capDrop keeps only capAdd; otherwise the defaults minus capDrop plus capAdd.
     * The result is in number order, as runc prints it back.
     *
     * @throws EngineException INVALID, for an unknown name, or for an explicit add the engine itself lacks
     */
    public static List<String> forContainer(Set<String> held, List<String> capAdd, List<String> capDrop, boolean privileged) {
        if (privileged) {
            return sorted(held);
        }
        List<String> adds = normalize("CapAdd", capAdd);
        List<String> drops = normalize("CapDrop", capDrop);
        Set<String> result = new LinkedHashSet<>();
        if (adds.contains(ALL)) {
            held.stream().filter(c -> !drops.contains(c)).forEach(result::add);
        } else {
            if (!drops.contains(ALL)) {
                // a default the host cannot give (a restricted bounding set) is left out rather than failing every run
                DOCKER_DEFAULTS.stream().filter(c -> !drops.contains(c) && held.contains(c)).forEach(result::add);
            }
            for (String add : adds) {
                if (!held.contains(add)) {
                    throw EngineException.invalid("invalid CapAdd: " + add + " is not available: the engine itself does not hold it "
                            + "(its bounding set lacks it), so no container on this host can have it");
                }
                result.add(add);
            }
        }
        return sorted(result);
    }

    /** Upper-cases and prefixes CAP_; keeps ALL as is. */
    static List<String> normalize(String field, List<String> names) {
        List<String> normalized = new ArrayList<>();
        for (String raw : names) {
            String name = raw.trim().toUpperCase(Locale.ROOT);
            if (name.equals(ALL)) {
                normalized.add(ALL);
                continue;
            }
            if (!name.startsWith("CAP_")) {
                name = "CAP_" + name;
            }
            if (!KNOWN.contains(name)) {
                throw EngineException.invalid("invalid " + field + ": unknown capability: \"" + name + "\"");
            }
            normalized.add(name);
        }
        return normalized;
    }

    private static List<String> sorted(Collection<String> names) {
        return names.stream().sorted(Comparator.comparingInt(LinuxCapabilities::number)).toList();
    }

    private static int number(String name) {
        int number = KNOWN.indexOf(name);
        if (number < 0) {
            throw new IllegalArgumentException("unknown capability " + name);
        }
        return number;
    }

    private static long maskField(String procStatus, String field) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
            }
        }
        throw new IllegalArgumentException("no " + field + " line in the process status text");
    }
}
