package io.jmachine.provisioner.os;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The families jmachine provisions, each with its package manager and the packages the engine needs
 * (runc, conmon, CNI plugins, iptables, tini, Docker's seccomp profile).
 */
public enum OsFamily {
    DEBIAN(List.of("debian", "ubuntu"),
            List.of(new Requirement("runc", "runc"), new Requirement("conmon", "conmon"),
                    new Requirement("/usr/lib/cni/bridge", "containernetworking-plugins"), new Requirement("iptables", "iptables"),
                    new Requirement("/usr/bin/tini-static", "tini"),
                    new Requirement("/usr/share/containers/seccomp.json", "golang-github-containers-common"))),
    FEDORA(List.of("fedora", "rhel", "centos", "rocky", "almalinux"),
            List.of(new Requirement("runc", "runc"), new Requirement("conmon", "conmon"),
                    new Requirement("/usr/libexec/cni/bridge", "containernetworking-plugins"), new Requirement("iptables", "iptables"),
                    new Requirement("/usr/bin/tini-static", "tini-static"),
                    new Requirement("/usr/share/containers/seccomp.json", "containers-common")));

    /**
     * Something the engine needs on its host.
     *
     * @param present a command on PATH, or an absolute path that must exist
     * @param pkg     the package that provides it
     */
    public record Requirement(String present, String pkg) {}

    private final List<String> ids;
    private final List<Requirement> requirements;

    OsFamily(List<String> ids, List<Requirement> requirements) {
        this.ids = ids;
        this.requirements = requirements;
    }

    public static Optional<OsFamily> of(OsRelease release) {
        for (OsFamily family : values()) {
            if (family.ids.contains(release.id()) || release.idLike().stream().anyMatch(family.ids::contains)) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    /** A sh script that prints the package of every requirement that is missing, one a line. */
    public String missingPackagesScript() {
        return requirements.stream().map(r -> r.present().startsWith("/")
                        ? "[ -e " + r.present() + " ] || echo " + r.pkg()
                        : "command -v " + r.present() + " >/dev/null 2>&1 || echo " + r.pkg())
                .collect(Collectors.joining("; ", "PATH=$PATH:/usr/sbin:/sbin; ", ""));
    }

    /** The command line (run as root) that installs these packages. */
    public String installCommand(List<String> packages) {
        String names = String.join(" ", packages);
        return switch (this) {
            // cloud-init may still hold apt's lock on a fresh VM: wait for it instead of failing
            case DEBIAN -> "export DEBIAN_FRONTEND=noninteractive; apt-get -o DPkg::Lock::Timeout=300 update -q && "
                    + "apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends " + names;
            case FEDORA -> "dnf install -y -q " + names;
        };
    }

    public String packageManager() {
        return this == DEBIAN ? "apt-get" : "dnf";
    }
}
