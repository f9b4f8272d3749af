package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;
import io.jmachine.engine.runtime.cgroup.CgroupLayout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the OCI spec Docker would give a container (moby's createSpec with its default spec), from the
 * engine's {@link ContainerSpec} and what the engine process itself may grant ({@link EngineHost}).
 */
public final class OciSpecFactory {

    /** Debian's static tini (package tini), Docker's docker-init. */
    public static final Path DEBIAN_TINI = Path.of("/usr/bin/tini-static");
    public static final String DEFAULT_CGROUP_PARENT = "jmachine";
    /** Docker's PATH for a container whose image and request set none (oci.DefaultPathEnv). */
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Namespaced sysctls Docker accepts (opts.ValidateSysctl); net.* also, unless the network is the host's. */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private static final java.util.regex.Pattern DEVICE_CGROUP_RULE =
            java.util.regex.Pattern.compile("^([acb]) ([0-9]+|\\*):([0-9]+|\\*) ([rwm]{1,3})$");

    private final EngineHost host;
    private final SeccompProfile seccomp;
    private final HostDevices hostDevices;
    private final Path initBinary;
    private final String cgroupParent;
    private final ResourceLimits limits;

    /**
     * @param seccomp      the default profile for unprivileged containers
     * @param initBinary   mounted at /sbin/docker-init for --init
     * @param cgroupParent containers go to /PARENT/ID in every hierarchy
     */
    public OciSpecFactory(EngineHost host, SeccompProfile seccomp, HostDevices hostDevices, Path initBinary, String cgroupParent) {
        this.host = host;
        this.seccomp = seccomp;
        this.hostDevices = hostDevices;
        this.initBinary = initBinary;
        this.cgroupParent = cgroupParent;
        this.limits = new ResourceLimits(host);
    }

    /** The factory for this process: its held capabilities and cgroups, Docker's default seccomp profile and tini. */
    public static OciSpecFactory forThisHost() {
        return new OciSpecFactory(EngineHost.read(), SeccompProfile.dockerDefault(), new HostDevices(),
                DEBIAN_TINI, DEFAULT_CGROUP_PARENT);
    }

    /** The cgroup path this factory gives a container. */
    public String cgroupsPath(String containerId) {
        return CgroupLayout.containerPath(cgroupParent, containerId);
    }

    /**
     * The container's config.json.
     *
     * @throws EngineException INVALID, when the request is one Docker would refuse (unknown user or capability, bad limits,
     *                      a missing device, a sysctl that is not namespaced)
     */
    public OciSpec create(ContainerSpec spec) {
        List<String> caps = LinuxCapabilities.forContainer(host.heldCapabilities(), spec.capAdd(), spec.capDrop(), spec.privileged());
        UserResolver.ResolvedUser user = new UserResolver(spec.rootfs()).resolve(spec.user(), spec.groupAdd());
        List<String> args = new ArrayList<>();
        if (spec.init()) {
            args.addAll(List.of(ContainerMounts.INIT_PATH, "--"));
        }
        args.addAll(spec.args());
        OciSpec.Process process = new OciSpec.Process(spec.tty(), spec.tty() ? spec.consoleSize() : null,
                new OciSpec.User(user.uid(), user.gid(), user.additionalGids().isEmpty() ? null : user.additionalGids()),
                args, withPath(spec.env()), spec.cwd(), OciSpec.Capabilities.of(caps), limits.rlimits(spec.resources().ulimits()),
                spec.noNewPrivileges(), spec.oomScoreAdj());

        ContainerMounts mounts = ContainerMounts.of(spec, initBinary);
        List<OciSpec.Device> devices = new ArrayList<>();
        List<OciSpec.DeviceRule> deviceRules = new ArrayList<>();
        if (spec.privileged()) {
            devices.addAll(hostDevices.all());
            deviceRules.addAll(DockerDefaults.allowAllDevices());
        } else {
            deviceRules.addAll(DockerDefaults.deviceRules());
            spec.deviceCgroupRules().forEach(rule -> deviceRules.add(deviceRule(rule)));
            for (DeviceMapping mapping : spec.devices()) {
                for (HostDevices.Passed passed : hostDevices.forMapping(mapping)) {
                    devices.add(passed.device());
                    deviceRules.add(passed.rule());
                }
            }
        }

        OciSpec.Linux linux = new OciSpec.Linux(
                namespaces(spec),
                devices,
                limits.translate(spec.resources(), deviceRules),
                cgroupsPath(spec.id()),
                sysctls(spec),
                seccomp(spec, caps),
                spec.maskedPaths() != null ? spec.maskedPaths() : spec.privileged() ? null : DockerDefaults.MASKED_PATHS,
                spec.readonlyPaths() != null ? spec.readonlyPaths() : spec.privileged() ? null : DockerDefaults.READONLY_PATHS,
                mounts.rootfsPropagation());
        String hostname = spec.uts() instanceof NamespaceMode.Private ? spec.hostname() : null;
        return new OciSpec(OciSpec.VERSION, process, new OciSpec.Root(spec.rootfs().toString(), spec.readonlyRootfs()), hostname,
                mounts.mounts(), linux, spec.annotations().isEmpty() ? null : spec.annotations());
    }

    /** As moby's WithSeccomp: unconfined is none; privileged has none unless it names a profile. */
    private OciSpec.Seccomp seccomp(ContainerSpec spec, List<String> caps) {
        return switch (spec.seccomp()) {
            case SeccompMode.Unconfined u -> null;
            case SeccompMode.Profile given -> given.profile().forContainer(caps, host.goArch(), host.kernel());
            case SeccompMode.Default d -> spec.privileged() ? null : seccomp.forContainer(caps, host.goArch(), host.kernel());
        };
    }

    /** A command without a PATH would find nothing by name; Docker gives such containers its default. */
    private static List<String> withPath(List<String> env) {
        if (env.stream().anyMatch(e -> e.startsWith("PATH="))) {
            return env;
        }
        List<String> withPath = new ArrayList<>();
        withPath.add(DEFAULT_PATH);
        withPath.addAll(env);
        return withPath;
    }

    private List<OciSpec.Namespace> namespaces(ContainerSpec spec) {
        List<OciSpec.Namespace> namespaces = new ArrayList<>();
        namespaces.add(new OciSpec.Namespace("mount", null));
        add(namespaces, "network", spec.network());
        add(namespaces, "uts", spec.uts());
        add(namespaces, "pid", spec.pid());
        add(namespaces, "ipc", spec.ipc());
        // Docker's default cgroupns is private on v2 (the container sees its own cgroup as /) and host on v1
        NamespaceMode cgroup = spec.cgroup() != null ? spec.cgroup() : host.cgroups().unified() ? NamespaceMode.PRIVATE : NamespaceMode.HOST;
        add(namespaces, "cgroup", cgroup);
        return namespaces;
    }

    /** A --device-cgroup-rule such as {@code c 7:128 rwm} or {@code a *:* m}, in the syntax moby checks at create. */
    public static OciSpec.DeviceRule deviceRule(String rule) {
        java.util.regex.Matcher m = DEVICE_CGROUP_RULE.matcher(rule);
        if (!m.matches()) {
            throw EngineException.invalid("invalid device cgroup rule format: '" + rule + "'");
        }
        return new OciSpec.DeviceRule(true, m.group(1).equals("a") ? null : m.group(1),
                m.group(2).equals("*") ? null : Long.valueOf(m.group(2)), m.group(3).equals("*") ? null : Long.valueOf(m.group(3)),
                m.group(4));
    }

    private static void add(List<OciSpec.Namespace> namespaces, String type, NamespaceMode mode) {
        switch (mode) {
            case NamespaceMode.Private p -> namespaces.add(new OciSpec.Namespace(type, null));
            case NamespaceMode.Join join -> namespaces.add(new OciSpec.Namespace(type, join.path().toString()));
            case NamespaceMode.Host h -> {
                // no entry: the container stays in the runtime's own namespace
            }
        }
    }

    private static Map<String, String> sysctls(ContainerSpec spec) {
        boolean hostNetwork = spec.network() instanceof NamespaceMode.Host;
        boolean hostIpc = spec.ipc() instanceof NamespaceMode.Host;
        Map<String, String> sysctls = new LinkedHashMap<>();
        if (!hostNetwork) {
            for (String[] standard : DockerDefaults.NETWORK_SYSCTLS) {
                sysctls.put(standard[0], standard[1]);
            }
        }
        if (spec.domainname() != null && spec.uts() instanceof NamespaceMode.Private) {
            // runc 1.1 has no spec field for it; the sysctl does what setdomainname(2) does, as dockerd sets it
            sysctls.put("kernel.domainname", spec.domainname());
        }
        for (Map.Entry<String, String> entry : spec.sysctls().entrySet()) {
            String key = entry.getKey();
            boolean ipc = IPC_SYSCTLS.contains(key) || key.startsWith("fs.mqueue.");
            boolean net = key.startsWith("net.");
            if (!ipc && !net) {
                throw EngineException.invalid("sysctl '" + key + "' is not allowed");
            }
            if (net && hostNetwork) {
                throw EngineException.invalid("sysctl \"" + key + "\" not allowed in host network namespace");
            }
            if (ipc && hostIpc) {
                throw EngineException.invalid("sysctl \"" + key + "\" is not allowed when joining the host's IPC namespace");
            }
            sysctls.put(key, entry.getValue());
        }
        return sysctls.isEmpty() ? null : sysctls;
    }
}
