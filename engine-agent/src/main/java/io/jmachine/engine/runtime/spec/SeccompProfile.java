package io.jmachine.engine.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seccomp profile in Docker's format (moby/profiles), turned into the OCI {@code linux.seccomp} for one container
 * as moby's setupSeccomp does: rules apply only when their {@code includes} (caps all in the bounding set, arch,
 * minimum kernel) hold and their {@code excludes} do not; the arch map gives the native architecture and its
 * sub-architectures. {@link #parse} refuses what dockerd or the runtime would refuse, naming the problem.
 */
public final class SeccompProfile {

    /** Where {@link #dockerDefault()} comes from; the resource folder's README says how to update it. */
    public static final String DOCKER_DEFAULT_VERSION = "moby/profiles seccomp v0.2.3";
    private static final String DOCKER_DEFAULT_RESOURCE = "seccomp/default.json";

    /** GOARCH to libseccomp's native names, which includes/excludes.arches use (moby's goToNative). */
    private static final Map<String, String> GO_TO_NATIVE = Map.ofEntries(
            Map.entry("386", "x86"), Map.entry("amd64", "amd64"), Map.entry("arm", "arm"), Map.entry("arm64", "arm64"),
            Map.entry("loong64", "loongarch64"), Map.entry("mips64", "mips64"), Map.entry("mips64p32", "mips64n32"),
            Map.entry("mips64le", "mipsel64"), Map.entry("mips64p32le", "mips3l64n32"), Map.entry("mipsle", "mipsel"),
            Map.entry("ppc", "ppc"), Map.entry("ppc64", "ppc64"), Map.entry("ppc64le", "ppc64le"), Map.entry("riscv64", "riscv64"),
            Map.entry("s390", "s390"), Map.entry("s390x", "s390x"));

    /** Native names to the OCI architecture an archMap entry names (moby's nativeToSeccomp, keyed by the names above). */
    private static final Map<String, String> NATIVE_TO_SECCOMP = Map.ofEntries(
            Map.entry("x86", "SCMP_ARCH_X86"), Map.entry("amd64", "SCMP_ARCH_X86_64"), Map.entry("arm", "SCMP_ARCH_ARM"),
            Map.entry("arm64", "SCMP_ARCH_AARCH64"), Map.entry("loongarch64", "SCMP_ARCH_LOONGARCH64"),
            Map.entry("mips64", "SCMP_ARCH_MIPS64"), Map.entry("mips64n32", "SCMP_ARCH_MIPS64N32"),
            Map.entry("mipsel64", "SCMP_ARCH_MIPSEL64"), Map.entry("mips3l64n32", "SCMP_ARCH_MIPSEL64N32"),
            Map.entry("mipsel", "SCMP_ARCH_MIPSEL"), Map.entry("ppc", "SCMP_ARCH_PPC"), Map.entry("ppc64", "SCMP_ARCH_PPC64"),
            Map.entry("ppc64le", "SCMP_ARCH_PPC64LE"), Map.entry("riscv64", "SCMP_ARCH_RISCV64"), Map.entry("s390", "SCMP_ARCH_S390"),
            Map.entry("s390x", "SCMP_ARCH_S390X"));

    /** The runtime spec's values: anything else makes runc fail at start, so a profile with it is refused at create. */
    private static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    private static final Set<String> OPERATORS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    private static final Set<String> ARCHITECTURES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64");

    /** As Go's encoding/json reads moby's type: unknown fields ignored, names matched in any case, nothing after the value. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
            .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true).build();

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Profile(String defaultAction, Integer defaultErrnoRet, List<ArchMap> archMap, List<String> architectures,
                   List<String> flags, String listenerPath, String listenerMetadata, List<Rule> syscalls) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ArchMap(String architecture, List<String> subArchitectures) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Rule(List<String> names, String name, String action, List<OciSpec.SyscallArg> args, Integer errnoRet, Filter includes, Filter excludes) {

        /** The syscalls it names, from {@code names} or the older {@code name}. */
        List<String> syscalls() {
            return name != null && !name.isEmpty() ? List.of(name) : names == null ? List.of() : names;
        }

        String describe(int index) {
            return syscalls().isEmpty() ? "rule " + (index + 1) : String.join(", ", syscalls());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Filter(List<String> caps, List<String> arches, String minKernel) {
    }

    /** A kernel release as "major.minor", the precision of a profile's minKernel. */
    public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

        private static final Pattern PROFILE_FORM = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})");

        /** Parses the leading numbers of a release such as {@code 6.18.44-fc-v669} or {@code 4.8}. */
        public static KernelVersion parse(String release) {
            String[] parts = release.split("[^0-9]+");
            try {
                return new KernelVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a kernel version: " + release, e);
            }
        }

        /** A profile's minKernel, strictly {@code <kernel>.<major>} as moby reads it; null or empty is no minimum. */
        static KernelVersion ofProfile(String minKernel) {
            if (minKernel == null || minKernel.isEmpty()) {
                return null;
            }
            Matcher matcher = PROFILE_FORM.matcher(minKernel);
            if (!matcher.matches() || Integer.parseInt(matcher.group(1)) > 255 || Integer.parseInt(matcher.group(2)) > 255
                    || minKernel.equals("0.0")) {
                throw new IllegalArgumentException("invalid kernel version: \"" + minKernel + "\", expected \"<kernel>.<major>\"");
            }
            return new KernelVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
        }

        @Override
        public int compareTo(KernelVersion other) {
            return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
        }
    }

    private final Profile profile;

    private SeccompProfile(Profile profile) {
        this.profile = profile;
        boolean hasRules = profile.syscalls() != null && !profile.syscalls().isEmpty();
        if ((profile.defaultAction() == null || profile.defaultAction().isEmpty()) && hasRules) {
            throw new IllegalArgumentException("the seccomp profile has syscall rules but no defaultAction: give one, such as SCMP_ACT_ERRNO");
        }
        if (profile.defaultAction() != null && !profile.defaultAction().isEmpty()) {
            requireKnown("seccomp defaultAction", profile.defaultAction(), ACTIONS, "");
        }
        if (profile.archMap() != null && !profile.archMap().isEmpty()
                && profile.architectures() != null && !profile.architectures().isEmpty()) {
            throw new IllegalArgumentException("both 'architectures' and 'archMap' are specified in the seccomp profile, "
                    + "use either 'architectures' or 'archMap'");
        }
        for (String arch : profile.architectures() == null ? List.<String>of() : profile.architectures()) {
            requireKnown("seccomp architecture", arch, ARCHITECTURES, "");
        }
        for (ArchMap entry : profile.archMap() == null ? List.<ArchMap>of() : profile.archMap()) {
            requireKnown("seccomp architecture", entry.architecture(), ARCHITECTURES, " in the archMap");
            for (String sub : entry.subArchitectures() == null ? List.<String>of() : entry.subArchitectures()) {
                requireKnown("seccomp architecture", sub, ARCHITECTURES, " in the archMap");
            }
        }
        List<Rule> rules = hasRules ? profile.syscalls() : List.of();
        for (int i = 0; i < rules.size(); i++) {
            check(rules.get(i), i);
        }
    }

    private static void check(Rule rule, int index) {
        if (rule == null) {
            throw new IllegalArgumentException("the seccomp profile's rule " + (index + 1) + " is null");
        }
        if (rule.name() != null && !rule.name().isEmpty() && rule.names() != null && !rule.names().isEmpty()) {
            throw new IllegalArgumentException("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
        }
        String where = " in the rule for " + rule.describe(index);
        requireKnown("seccomp action", rule.action(), ACTIONS, where);
        for (OciSpec.SyscallArg arg : rule.args() == null ? List.<OciSpec.SyscallArg>of() : rule.args()) {
            requireKnown("seccomp operator", arg.op(), OPERATORS, where);
        }
        for (Filter filter : new Filter[] {rule.includes(), rule.excludes()}) {
            if (filter != null) {
                KernelVersion.ofProfile(filter.minKernel());
            }
        }
    }

    private static void requireKnown(String what, String value, Set<String> known, String where) {
        if (value == null || !known.contains(value)) {
            throw new IllegalArgumentException((value == null ? "no " + what : "unknown " + what + " \"" + value + "\"") + where
                    + ": use one of " + String.join(", ", new TreeSet<>(known)));
        }
    }

    /**
     * A profile as {@code --security-opt seccomp=...} sends it (the docker CLI reads the file and sends its JSON).
     *
     * @throws IllegalArgumentException naming what is wrong: not JSON, name and names, architectures and archMap, an
     *                                  unknown action, operator or architecture, a bad minKernel
     */
    public static SeccompProfile parse(String json) {
        Profile profile;
        try {
            profile = JSON.readValue(json, Profile.class);
        } catch (JsonProcessingException e) {
            String hint = json.stripLeading().startsWith("{") ? ""
                    : " (the docker CLI sends the JSON of --security-opt seccomp=FILE; the built-in profile is 'builtin', none is 'unconfined')";
            throw new IllegalArgumentException("Decoding seccomp profile failed: " + e.getOriginalMessage() + hint, e);
        }
        if (profile == null) {
            throw new IllegalArgumentException("Decoding seccomp profile failed: the profile is JSON null");
        }
        return new SeccompProfile(profile);
    }

    /** Docker's default profile ({@value #DOCKER_DEFAULT_VERSION}), which unprivileged containers get. */
    public static SeccompProfile dockerDefault() {
        return DockerDefault.PROFILE;
    }

    private static final class DockerDefault {
        static final SeccompProfile PROFILE = parse(read());

        private static String read() {
            try (InputStream in = SeccompProfile.class.getResourceAsStream(DOCKER_DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the engine's jar lacks " + DOCKER_DEFAULT_RESOURCE + "; rebuild it with ./build");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Docker's default seccomp profile: " + e.getMessage(), e);
            }
        }
    }

    /** GOARCH for a JVM's os.arch, as the engine host reports its architecture. */
    public static String goArch(String javaOsArch) {
        return switch (javaOsArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "arm", "armv7l" -> "arm";
            default -> javaOsArch;
        };
    }

    /**
     * The OCI seccomp section for a container whose bounding set is {@code boundingCaps}; null when the profile
     * turns seccomp off (no defaultAction and no rules, as moby reads it).
     *
     * @param goArch the native architecture as GOARCH (see {@link #goArch(String)})
     */
    public OciSpec.Seccomp forContainer(Collection<String> boundingCaps, String goArch, KernelVersion kernel) {
        if ((profile.defaultAction() == null || profile.defaultAction().isEmpty())
                && (profile.syscalls() == null || profile.syscalls().isEmpty())) {
            return null;
        }
        String nativeArch = GO_TO_NATIVE.getOrDefault(goArch, goArch);
        List<OciSpec.Syscall> syscalls = new ArrayList<>();
        for (Rule rule : profile.syscalls() == null ? List.<Rule>of() : profile.syscalls()) {
            if (applies(rule, boundingCaps, nativeArch, kernel) && !rule.syscalls().isEmpty()) {
                List<OciSpec.SyscallArg> args = rule.args() == null || rule.args().isEmpty() ? null : List.copyOf(rule.args());
                syscalls.add(new OciSpec.Syscall(List.copyOf(rule.syscalls()), rule.action(), rule.errnoRet(), args));
            }
        }
        return new OciSpec.Seccomp(profile.defaultAction(), profile.defaultErrnoRet(), architectures(nativeArch),
                profile.flags() == null || profile.flags().isEmpty() ? null : List.copyOf(profile.flags()),
                profile.listenerPath(), profile.listenerMetadata(), syscalls);
    }

    private List<String> architectures(String nativeArch) {
        if (profile.archMap() == null || profile.archMap().isEmpty()) {
            return profile.architectures() == null || profile.architectures().isEmpty() ? null : List.copyOf(profile.architectures());
        }
        String seccompArch = NATIVE_TO_SECCOMP.get(nativeArch);
        for (ArchMap entry : profile.archMap()) {
            if (entry.architecture().equals(seccompArch)) {
                List<String> arches = new ArrayList<>();
                arches.add(entry.architecture());
                if (entry.subArchitectures() != null) {
                    arches.addAll(entry.subArchitectures());
                }
                return arches;
            }
        }
        // a profile without our architecture: the runtime then filters for the native one only
        return null;
    }

    private static boolean applies(Rule rule, Collection<String> caps, String nativeArch, KernelVersion kernel) {
        Filter excludes = rule.excludes();
        if (excludes != null) {
            if (excludes.arches() != null && excludes.arches().contains(nativeArch)) {
                return false;
            }
            if (excludes.caps() != null && excludes.caps().stream().anyMatch(c -> containsIgnoreCase(caps, c))) {
                return false;
            }
            KernelVersion min = KernelVersion.ofProfile(excludes.minKernel());
            if (min != null && kernel.compareTo(min) >= 0) {
                return false;
            }
        }
        Filter includes = rule.includes();
        if (includes != null) {
            if (includes.arches() != null && !includes.arches().isEmpty() && !includes.arches().contains(nativeArch)) {
                return false;
            }
            if (includes.caps() != null && !includes.caps().stream().allMatch(c -> containsIgnoreCase(caps, c))) {
                return false;
            }
            KernelVersion min = KernelVersion.ofProfile(includes.minKernel());
            if (min != null && kernel.compareTo(min) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(Collection<String> caps, String cap) {
        return caps.stream().anyMatch(c -> c.equalsIgnoreCase(cap));
    }
}
