package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything the engine knows about a container it is about to run, in Docker's terms; {@link OciSpecFactory}
 * turns it into a bundle's config.json. Build one with {@link #builder(String, Path, List)}.
 *
 * @param id             the runtime's container ID (Docker's 64-hex ID)
 * @param rootfs         the mounted root filesystem on the host
 * @param args           the command, already merged from the image's entrypoint and cmd
 * @param env            {@code KEY=value} entries, already merged with the image's
 * @param cwd            absolute working directory
 * @param user           {@code ""} (root), {@code 65534}, {@code name}, {@code uid:gid} or {@code name:group}
 * @param groupAdd       extra groups ({@code --group-add}), names or numbers
 * @param hostname       set in a private UTS namespace
 * @param network        {@link NamespaceMode.Private} is a new empty netns
 * @param mounts         binds and tmpfs beyond the defaults, including /etc/hosts, /etc/resolv.conf, /etc/hostname
 * @param capAdd         capabilities with or without CAP_, or ALL
 * @param init           run tini as PID 1 ({@code --init})
 * @param shmSize        bytes of the private /dev/shm (Docker's 64 MiB when 0)
 * @param seccomp        the seccomp filter ({@code --security-opt seccomp=...})
 * @param domainname     the UTS domain name (kernel.domainname), in a private UTS namespace
 * @param cgroup         the cgroup namespace; null for Docker's default on this host (private on v2, host on v1)
 * @param maskedPaths    paths hidden from the container; null for Docker's defaults (none when privileged)
 * @param readonlyPaths  paths the container sees read-only; null for Docker's defaults (none when privileged)
 * @param deviceCgroupRules Docker's {@code --device-cgroup-rule}s, e.g. {@code c 7:128 rwm}
 * @param consoleSize    the TTY's size at start; null for the runtime's
 * @param annotations    the OCI spec's annotations (HostConfig.Annotations)
 */
public record ContainerSpec(String id, Path rootfs, boolean readonlyRootfs, List<String> args, List<String> env, String cwd,
                            String user, List<String> groupAdd, String hostname, boolean tty,
                            NamespaceMode network, NamespaceMode ipc, NamespaceMode pid, NamespaceMode uts,
                            List<MountSpec> mounts, List<String> capAdd, List<String> capDrop, boolean privileged,
                            List<DeviceMapping> devices, Resources resources, boolean noNewPrivileges, boolean init,
                            Map<String, String> sysctls, int oomScoreAdj, long shmSize, SeccompMode seccomp, String domainname,
                            NamespaceMode cgroup, List<String> maskedPaths, List<String> readonlyPaths, List<String> deviceCgroupRules,
                            OciSpec.ConsoleSize consoleSize, Map<String, String> annotations) {

    public static final long DEFAULT_SHM_SIZE = 64L * 1024 * 1024;
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    public ContainerSpec {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid container id " + id + ": use letters, digits, '_', '.' and '-'");
        }
        if (rootfs == null || !rootfs.isAbsolute()) {
            throw new IllegalArgumentException("the root filesystem of " + id + " needs an absolute path, got " + rootfs);
        }
        args = args == null ? List.of() : List.copyOf(args);
        if (args.isEmpty()) {
            throw EngineException.invalid("No command specified");
        }
        env = env == null ? List.of() : List.copyOf(env);
        cwd = cwd == null || cwd.isEmpty() ? "/" : cwd;
        if (!cwd.startsWith("/")) {
            throw EngineException.invalid("the working directory '" + cwd + "' is invalid, it needs to be an absolute path");
        }
        user = user == null ? "" : user.trim();
        groupAdd = groupAdd == null ? List.of() : List.copyOf(groupAdd);
        hostname = hostname == null || hostname.isEmpty() ? null : hostname;
        network = network == null ? NamespaceMode.PRIVATE : network;
        ipc = ipc == null ? NamespaceMode.PRIVATE : ipc;
        pid = pid == null ? NamespaceMode.PRIVATE : pid;
        uts = uts == null ? NamespaceMode.PRIVATE : uts;
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        devices = devices == null ? List.of() : List.copyOf(devices);
        resources = resources == null ? Resources.NONE : resources;
        sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
        if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
            throw EngineException.invalid("Invalid value " + oomScoreAdj + ", range for oom score adj is [-1000, 1000]");
        }
        shmSize = shmSize <= 0 ? DEFAULT_SHM_SIZE : shmSize;
        seccomp = seccomp == null ? SeccompMode.DEFAULT : seccomp;
        domainname = domainname == null || domainname.isEmpty() ? null : domainname;
        maskedPaths = maskedPaths == null ? null : List.copyOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? null : List.copyOf(readonlyPaths);
        deviceCgroupRules = deviceCgroupRules == null ? List.of() : List.copyOf(deviceCgroupRules);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static Builder builder(String id, Path rootfs, List<String> args) {
        return new Builder(id, rootfs, args);
    }

    /** Fills a spec step by step; unset parts take Docker's defaults. */
    public static final class Builder {
        private final String id;
        private final Path rootfs;
        private final List<String> args;
        private boolean readonlyRootfs;
        private List<String> env = List.of();
        private String cwd = "/";
        private String user = "";
        private List<String> groupAdd = List.of();
        private String hostname;
        private boolean tty;
        private NamespaceMode network = NamespaceMode.PRIVATE;
        private NamespaceMode ipc = NamespaceMode.PRIVATE;
        private NamespaceMode pid = NamespaceMode.PRIVATE;
        private NamespaceMode uts = NamespaceMode.PRIVATE;
        private final List<MountSpec> mounts = new ArrayList<>();
        private List<String> capAdd = List.of();
        private List<String> capDrop = List.of();
        private boolean privileged;
        private final List<DeviceMapping> devices = new ArrayList<>();
        private Resources resources = Resources.NONE;
        private boolean noNewPrivileges;
        private boolean init;
        private final Map<String, String> sysctls = new LinkedHashMap<>();
        private int oomScoreAdj;
        private long shmSize;
        private SeccompMode seccomp = SeccompMode.DEFAULT;
        private String domainname;
        private NamespaceMode cgroup;
        private List<String> maskedPaths;
        private List<String> readonlyPaths;
        private List<String> deviceCgroupRules = List.of();
        private OciSpec.ConsoleSize consoleSize;
        private Map<String, String> annotations = Map.of();

        private Builder(String id, Path rootfs, List<String> args) {
            this.id = id;
            this.rootfs = rootfs;
            this.args = args;
        }

        public Builder readonlyRootfs(boolean value) { readonlyRootfs = value; return this; }
        public Builder env(List<String> value) { env = value; return this; }
        public Builder cwd(String value) { cwd = value; return this; }
        public Builder user(String value) { user = value; return this; }
        public Builder groupAdd(List<String> value) { groupAdd = value; return this; }
        public Builder hostname(String value) { hostname = value; return this; }
        public Builder tty(boolean value) { tty = value; return this; }
        public Builder network(NamespaceMode value) { network = value; return this; }
        public Builder ipc(NamespaceMode value) { ipc = value; return this; }
        public Builder pid(NamespaceMode value) { pid = value; return this; }
        public Builder uts(NamespaceMode value) { uts = value; return this; }
        public Builder mount(MountSpec value) { mounts.add(value); return this; }
        public Builder capAdd(List<String> value) { capAdd = value; return this; }
        public Builder capDrop(List<String> value) { capDrop = value; return this; }
        public Builder privileged(boolean value) { privileged = value; return this; }
        public Builder device(DeviceMapping value) { devices.add(value); return this; }
        public Builder resources(Resources value) { resources = value; return this; }
        public Builder noNewPrivileges(boolean value) { noNewPrivileges = value; return this; }
        public Builder init(boolean value) { init = value; return this; }
        public Builder sysctl(String key, String value) { sysctls.put(key, value); return this; }
        public Builder oomScoreAdj(int value) { oomScoreAdj = value; return this; }
        public Builder shmSize(long value) { shmSize = value; return this; }
        public Builder seccomp(SeccompMode value) { seccomp = value; return this; }
        public Builder domainname(String value) { domainname = value; return this; }
        public Builder cgroup(NamespaceMode value) { cgroup = value; return this; }
        public Builder maskedPaths(List<String> value) { maskedPaths = value; return this; }
        public Builder readonlyPaths(List<String> value) { readonlyPaths = value; return this; }
        public Builder deviceCgroupRules(List<String> value) { deviceCgroupRules = value; return this; }
        public Builder consoleSize(OciSpec.ConsoleSize value) { consoleSize = value; return this; }
        public Builder annotations(Map<String, String> value) { annotations = value; return this; }

        public ContainerSpec build() {
            return new ContainerSpec(id, rootfs, readonlyRootfs, args, env, cwd, user, groupAdd, hostname, tty, network, ipc, pid, uts,
                    mounts, capAdd, capDrop, privileged, devices, resources, noNewPrivileges, init, sysctls, oomScoreAdj, shmSize, seccomp,
                    domainname, cgroup, maskedPaths, readonlyPaths, deviceCgroupRules, consoleSize, annotations);
        }
    }
}
