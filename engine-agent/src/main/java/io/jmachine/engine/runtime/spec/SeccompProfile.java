package io.jmachine.engine.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A seccomp profile in Docker's format (moby/profiles; Debian ships one as /usr/share/containers/seccomp.json),
 * turned into the OCI {@code linux.seccomp} for one container as moby's setupSeccomp does: rules apply only when
 * their {@code includes} (caps all in the bounding set, arch, minimum kernel) hold and their {@code excludes} do not;
 * the arch map gives the native architecture and its sub-architectures.
 */
public final class SeccompProfile {

    public static final Path DEBIAN_DEFAULT = Path.of("/usr/share/containers/seccomp.json");

    /** Go's GOARCH to libseccomp's names, as moby's nativeToSeccomp. */
    private static final Map<String, String> NATIVE_TO_SECCOMP = Map.ofEntries(
            Map.entry("386", "SCMP_ARCH_X86"), Map.entry("amd64", "SCMP_ARCH_X86_64"), Map.entry("arm", "SCMP_ARCH_ARM"),
            Map.entry("arm64", "SCMP_ARCH_AARCH64"), Map.entry("mips64", "SCMP_ARCH_MIPS64"),
            Map.entry("mips64le", "SCMP_ARCH_MIPSEL64"), Map.entry("ppc64le", "SCMP_ARCH_PPC64LE"),
            Map.entry("riscv64", "SCMP_ARCH_RISCV64"), Map.entry("s390x", "SCMP_ARCH_S390X"));

    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).build();

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Profile(String defaultAction, Integer defaultErrnoRet, List<ArchMap> archMap, List<String> architectures, List<Rule> syscalls) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ArchMap(String architecture, List<String> subArchitectures) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Rule(List<String> names, String name, String action, List<OciSpec.SyscallArg> args, Integer errnoRet, Filter includes, Filter excludes) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Filter(List<String> caps, List<String> arches, String minKernel) {
    }

    /** A kernel release as "major.minor", the precision of a profile's minKernel. */
    public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

        /** Parses the leading numbers of a release such as {@code 6.18.44-fc-v669} or {@code 4.8}. */
        public static KernelVersion parse(String release) {
            String[] parts = release.split("[^0-9]+");
            try {
                return new KernelVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a kernel version: " + release, e);
            }
        }

        @Override
        public int compareTo(KernelVersion other) {
            return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
        }
    }

    private final Profile profile;

    private SeccompProfile(Profile profile) {
        if (profile.defaultAction() == null || profile.defaultAction().isBlank()) {
            throw new IllegalArgumentException("a seccomp profile needs a defaultAction");
        }
        if (profile.archMap() != null && !profile.archMap().isEmpty()
                && profile.architectures() != null && !profile.architectures().isEmpty()) {
            throw new IllegalArgumentException("a seccomp profile may give 'architectures' or 'archMap', not both");
        }
        this.profile = profile;
    }

    public static SeccompProfile parse(String json) {
        try {
            return new SeccompProfile(JSON.readValue(json, Profile.class));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a seccomp profile in Docker's format: " + e.getMessage(), e);
        }
    }

    public static SeccompProfile load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seccomp profile " + file + " (Debian's package golang-github-containers-common "
                    + "ships /usr/share/containers/seccomp.json): " + e.getMessage(), e);
        }
    }

    /** GOARCH for a JVM's os.arch, the names profiles use in includes/excludes.arches. */
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
     * The OCI seccomp section for a container whose bounding set is {@code boundingCaps}.
     *
     * @param goArch the native architecture as GOARCH (see {@link #goArch(String)})
     */
    public OciSpec.Seccomp forContainer(Collection<String> boundingCaps, String goArch, KernelVersion kernel) {
        List<OciSpec.Syscall> syscalls = new ArrayList<>();
        for (Rule rule : profile.syscalls() == null ? List.<Rule>of() : profile.syscalls()) {
            if (applies(rule, boundingCaps, goArch, kernel)) {
                List<String> names = rule.names() != null && !rule.names().isEmpty() ? rule.names()
                        : rule.name() != null ? List.of(rule.name()) : List.of();
                if (!names.isEmpty()) {
                    List<OciSpec.SyscallArg> args = rule.args() == null || rule.args().isEmpty() ? null : List.copyOf(rule.args());
                    syscalls.add(new OciSpec.Syscall(List.copyOf(names), rule.action(), rule.errnoRet(), args));
                }
            }
        }
        return new OciSpec.Seccomp(profile.defaultAction(), profile.defaultErrnoRet(), architectures(goArch), syscalls);
    }

    private List<String> architectures(String goArch) {
        if (profile.archMap() == null || profile.archMap().isEmpty()) {
            return profile.architectures() == null || profile.architectures().isEmpty() ? null : List.copyOf(profile.architectures());
        }
        String native_ = NATIVE_TO_SECCOMP.get(goArch);
        List<String> arches = new ArrayList<>();
        for (ArchMap entry : profile.archMap()) {
            if (entry.architecture().equals(native_)) {
                arches.add(entry.architecture());
                if (entry.subArchitectures() != null) {
                    arches.addAll(entry.subArchitectures());
                }
            }
        }
        // a profile without our architecture: the runtime then filters for the native one only
        return arches.isEmpty() ? null : arches;
    }

    private static boolean applies(Rule rule, Collection<String> caps, String goArch, KernelVersion kernel) {
        Filter excludes = rule.excludes();
        if (excludes != null) {
            if (excludes.caps() != null && excludes.caps().stream().anyMatch(c -> containsIgnoreCase(caps, c))) {
                return false;
            }
            if (excludes.arches() != null && excludes.arches().contains(goArch)) {
                return false;
            }
            if (excludes.minKernel() != null && !excludes.minKernel().isBlank()
                    && kernel.compareTo(KernelVersion.parse(excludes.minKernel())) >= 0) {
                return false;
            }
        }
        Filter includes = rule.includes();
        if (includes != null) {
            if (includes.arches() != null && !includes.arches().isEmpty() && !includes.arches().contains(goArch)) {
                return false;
            }
            if (includes.caps() != null && !includes.caps().stream().allMatch(c -> containsIgnoreCase(caps, c))) {
                return false;
            }
            if (includes.minKernel() != null && !includes.minKernel().isBlank()
                    && kernel.compareTo(KernelVersion.parse(includes.minKernel())) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsIgnoreCase(Collection<String> caps, String cap) {
        return caps.stream().anyMatch(c -> c.equalsIgnoreCase(cap));
    }
}
