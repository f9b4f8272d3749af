package io.jmachine.engine.runtime.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.io.IOException;

import java.util.List;
import java.util.Map;

/**
 * An OCI runtime spec (a bundle's config.json), as far as the engine fills it. Field names are the spec's
 * JSON names; null fields are left out so the runtime applies its own defaults for them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record OciSpec(String ociVersion, Process process, Root root, String hostname, List<Mount> mounts, Linux linux,
                      Map<String, String> annotations) {

    /** The runtime-spec release both runc 1.1 and crun 1.8 accept. */
    public static final String VERSION = "1.0.2-dev";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Process(boolean terminal, ConsoleSize consoleSize, User user, List<String> args, List<String> env, String cwd,
                          Capabilities capabilities, List<Rlimit> rlimits, boolean noNewPrivileges, Integer oomScoreAdj) {
    }

    public record ConsoleSize(int height, int width) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(long uid, long gid, List<Long> additionalGids) {
    }

    /** Docker leaves inheritable and ambient empty (CVE-2022-24769), so only three sets are written. */
    public record Capabilities(List<String> bounding, List<String> effective, List<String> permitted) {

        public static Capabilities of(List<String> caps) {
            return new Capabilities(List.copyOf(caps), List.copyOf(caps), List.copyOf(caps));
        }
    }

    /** Limits are unsigned in the spec: -1 (Docker's "unlimited") is written as 2^64-1, RLIM_INFINITY. */
    public record Rlimit(String type,
                         @JsonSerialize(using = UnsignedLong.Writer.class) @JsonDeserialize(using = UnsignedLong.Reader.class) long hard,
                         @JsonSerialize(using = UnsignedLong.Writer.class) @JsonDeserialize(using = UnsignedLong.Reader.class) long soft) {
    }

    /** JSON for uint64 fields held in a long. */
    static final class UnsignedLong {
        private UnsignedLong() {
        }

        static final class Writer extends JsonSerializer<Long> {
            @Override
            public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeNumber(Long.toUnsignedString(value));
            }
        }

        static final class Reader extends JsonDeserializer<Long> {
            @Override
            public Long deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                return Long.parseUnsignedLong(parser.getText());
            }
        }
    }

    public record Root(String path, boolean readonly) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Mount(String destination, String type, String source, List<String> options) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Linux(List<Namespace> namespaces, List<Device> devices, Resources resources, String cgroupsPath,
                        Map<String, String> sysctl, Seccomp seccomp, List<String> maskedPaths, List<String> readonlyPaths,
                        String rootfsPropagation) {
    }

    /** A namespace to create (no path) or to join (path of an nsfs file such as /proc/PID/ns/net). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Namespace(String type, String path) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Device(String type, String path, long major, long minor, Integer fileMode, Long uid, Long gid) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resources(List<DeviceRule> devices, Memory memory, Cpu cpu, Pids pids) {
    }

    /** A device cgroup rule; null type, major or minor mean "any" ('a', '*'). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {

        public static DeviceRule allowChar(long major, long minor) {
            return new DeviceRule(true, "c", major, minor, "rwm");
        }
    }

    /** Bytes; swap is memory plus swap, as cgroup v1's memsw (runc converts it for v2), -1 unlimited. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(Long limit, Long swap, Long reservation, Long swappiness, Boolean disableOOMKiller) {

        public Memory(Long limit, Long swap, Long reservation) {
            this(limit, swap, reservation, null, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {
    }

    public record Pids(long limit) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Seccomp(String defaultAction, Integer defaultErrnoRet, List<String> architectures, List<String> flags,
                          String listenerPath, String listenerMetadata, List<Syscall> syscalls) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Syscall(List<String> names, String action, Integer errnoRet, List<SyscallArg> args) {
    }

    public record SyscallArg(int index, long value, long valueTwo, String op) {
    }
}
