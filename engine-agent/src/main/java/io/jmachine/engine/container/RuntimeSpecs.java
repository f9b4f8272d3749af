package io.jmachine.engine.container;

import io.jmachine.engine.runtime.spec.ContainerSpec;
import io.jmachine.engine.runtime.spec.DeviceMapping;
import io.jmachine.engine.runtime.spec.MountSpec;
import io.jmachine.engine.runtime.spec.NamespaceMode;
import io.jmachine.engine.runtime.spec.Resources;
import io.jmachine.engine.runtime.spec.Ulimit;
import io.jmachine.engine.volume.MountPoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A container record in the runtime's terms: Docker's Config and HostConfig become a {@link ContainerSpec}. */
final class RuntimeSpecs {

    private RuntimeSpecs() {
    }

    static ContainerSpec from(ContainerRecord record, ContainerProcesses.Launch launch) {
        ContainerConfig config = record.config();
        HostConfig host = record.hostConfig();
        SecurityOptions security = SecurityOptions.parse(host.securityOpt() == null ? List.of() : host.securityOpt());
        List<String> args = new ArrayList<>();
        args.add(record.path());
        args.addAll(record.args());
        ContainerSpec.Builder spec = ContainerSpec.builder(record.id(), launch.rootfs(), args)
                .readonlyRootfs(host.readonlyRootfs())
                .env(environment(config, launch.linkEnv()))
                .cwd(config.workingDir())
                .user(config.user())
                .groupAdd(host.groupAdd())
                .hostname(config.hostname())
                .domainname(config.domainname())
                .tty(config.tty())
                .network(launch.netnsPath() == null ? NamespaceMode.HOST : new NamespaceMode.Join(Path.of(launch.netnsPath())))
                .ipc("host".equals(host.ipcMode()) ? NamespaceMode.HOST : NamespaceMode.PRIVATE)
                .pid("host".equals(host.pidMode()) ? NamespaceMode.HOST : NamespaceMode.PRIVATE)
                .uts("host".equals(host.utsMode()) ? NamespaceMode.HOST : NamespaceMode.PRIVATE)
                .capAdd(host.capAdd())
                .capDrop(host.capDrop())
                .privileged(host.privileged())
                .resources(resources(host))
                .noNewPrivileges(security.noNewPrivileges())
                .seccomp(security.seccomp())
                .init(Boolean.TRUE.equals(host.init()))
                .shmSize(host.shmSize())
                .oomScoreAdj(host.oomScoreAdj())
                .cgroup(switch (host.cgroupnsMode()) {
                    case "private" -> NamespaceMode.PRIVATE;
                    case "host" -> NamespaceMode.HOST;
                    default -> null;
                })
                .maskedPaths(host.maskedPaths())
                .readonlyPaths(host.readonlyPaths())
                .deviceCgroupRules(host.resources().deviceCgroupRules())
                .consoleSize(consoleSize(host.consoleSize()))
                .annotations(host.annotations());
        if (launch.hostsFile() != null) {
            spec.mount(MountSpec.Bind.of(launch.hostsFile(), "/etc/hosts", false));
            spec.mount(MountSpec.Bind.of(launch.resolvConfFile(), "/etc/resolv.conf", false));
            spec.mount(MountSpec.Bind.of(launch.hostnameFile(), "/etc/hostname", false));
        }
        for (Map.Entry<String, String> tmpfs : (host.tmpfs() == null ? Map.<String, String>of() : host.tmpfs()).entrySet()) {
            spec.mount(new MountSpec.Tmpfs(tmpfs.getKey(), tmpfs.getValue() == null || tmpfs.getValue().isEmpty() ? List.of() : List.of(tmpfs.getValue().split(","))));
        }
        for (MountPoint mount : record.mountPoints()) {
            spec.mount(mountSpec(mount));
        }
        for (HostConfig.Device device : host.devices()) {
            String permissions = device.cgroupPermissions() == null || device.cgroupPermissions().isEmpty() ? "rwm" : device.cgroupPermissions();
            String inContainer = device.pathInContainer() == null || device.pathInContainer().isEmpty() ? device.pathOnHost() : device.pathInContainer();
            spec.device(DeviceMapping.parse(device.pathOnHost() + ":" + inContainer + ":" + permissions));
        }
        if (host.sysctls() != null) {
            host.sysctls().forEach(spec::sysctl);
        }
        return spec.build();
    }

    /** Docker adds HOSTNAME, TERM for a TTY and its links' variables, unless the container sets them. */
    private static List<String> environment(ContainerConfig config, List<String> linkEnv) {
        List<String> env = new ArrayList<>(config.env());
        java.util.Set<String> own = new java.util.HashSet<>();
        config.env().forEach(e -> own.add(e.contains("=") ? e.substring(0, e.indexOf('=')) : e));
        int at = Math.min(1, env.size());
        for (String link : linkEnv) {
            if (!own.contains(link.substring(0, link.indexOf('=')))) {
                env.add(at++, link);
            }
        }
        if (env.stream().noneMatch(e -> e.startsWith("HOSTNAME="))) {
            env.add(1 <= env.size() ? 1 : 0, "HOSTNAME=" + config.hostname());
        }
        if (config.tty() && env.stream().noneMatch(e -> e.startsWith("TERM="))) {
            env.add("TERM=xterm");
        }
        return env;
    }

    private static Resources resources(HostConfig host) {
        List<Ulimit> ulimits = host.ulimits().stream().map(u -> new Ulimit(u.name(), u.soft(), u.hard())).toList();
        ContainerResources r = host.resources();
        return new Resources(r.memory(), r.memorySwap(), r.memoryReservation(), r.nanoCpus(), r.cpuShares(), r.cpuPeriod(),
                r.cpuQuota(), r.cpusetCpus(), r.cpusetMems(), r.pidsLimit() == null ? 0 : r.pidsLimit(), ulimits,
                r.memorySwappiness(), Boolean.TRUE.equals(r.oomKillDisable()));
    }

    private static io.jmachine.engine.runtime.spec.OciSpec.ConsoleSize consoleSize(List<Integer> size) {
        return size.get(0) > 0 && size.get(1) > 0 ? new io.jmachine.engine.runtime.spec.OciSpec.ConsoleSize(size.get(0), size.get(1)) : null;
    }

    /** Volumes are bind mounts of their folder; binds keep their propagation; --mount tmpfs its options. */
    static MountSpec mountSpec(MountPoint mount) {
        return switch (mount.type()) {
            case BIND, VOLUME -> new MountSpec.Bind(Path.of(mount.source()), mount.destination(), !mount.rw(),
                    mount.propagation().isEmpty() ? MountSpec.Propagation.RPRIVATE
                            : MountSpec.Propagation.valueOf(mount.propagation().toUpperCase(java.util.Locale.ROOT)));
            case TMPFS -> new MountSpec.Tmpfs(mount.destination(), mount.tmpfsOptions());
        };
    }
}
