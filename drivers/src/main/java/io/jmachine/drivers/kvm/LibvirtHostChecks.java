package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.kvm.image.ImageCache;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kvm driver's pre-create checks of what a machine needs outside its flags: the tools on this host, a libvirtd that
 * answers (started here when it is this host's), the network or free forward ports, the storage pool (made when
 * missing), and no domain or volumes of the same name. Each failure is one line that names the fix.
 */
record LibvirtHostChecks(KvmSettings settings, LibvirtUri uri, LibvirtDomains libvirt, LibvirtStorage storage, ImageCache images) {

    void run(Progress progress) {
        List<String> missing = new ArrayList<>();
        if (CloudInitSeed.isoTool().isEmpty()) {
            missing.add("genisoimage");
        }
        if (settings.image() == null && !images.defaultImageCached()) {
            requireTool("mmdebstrap", "mmdebstrap", missing);
            requireTool("mkfs.ext4", "e2fsprogs", missing);
            requireTool("qemu-img", "qemu-utils", missing);
        }
        if (uri.sharesThisHostsFiles()) {
            // QEMU and libvirtd run here; elsewhere they are that host's
            requireTool("qemu-system-x86_64", "qemu-system-x86", missing);
            requireTool("libvirtd", "libvirt-daemon-system", missing);
        }
        HostSetup host = HostSetup.forThisProcess(progress, images.root().resolve("host-setup.log"));
        host.install(missing);
        if (uri.sharesThisHostsFiles()) {
            host.shareKvmDevice(Path.of("/dev/kvm"), "kvm");
            host.startLibvirt(settings.connectionUri(), libvirt::check);
        } else {
            reachable();
        }
        if (!settings.userModeNetwork()) {
            requireActiveNetwork();
        } else if (uri.remote()) {
            ForwardPorts.check(settings.reachedAt(), settings.sshPort());
            ForwardPorts.check(settings.reachedAt(), settings.enginePort());
        }
        if (libvirt.state(settings.machineName()) != MachineState.NONE) {
            throw new PreCreateCheckException("libvirt at " + settings.connectionUri() + " already has a domain named " + settings.machineName()
                    + "; remove it (virsh undefine " + settings.machineName() + ") or pick another machine name");
        }
        storage.ensurePool(progress);
        List<String> left = storage.present(VolumeNames.ofMachine(settings.machineName()));
        if (!left.isEmpty()) {
            throw new PreCreateCheckException("the storage pool " + settings.storagePool() + " at " + settings.connectionUri()
                    + " already has volumes of a machine named " + settings.machineName() + " (" + String.join(", ", left)
                    + "); delete them (virsh vol-delete --pool " + settings.storagePool() + " NAME) or pick another machine name");
        }
    }

    private void requireActiveNetwork() {
        String network = settings.network();
        switch (libvirt.network(network)) {
            case ACTIVE -> { }
            case INACTIVE -> throw new PreCreateCheckException("the libvirt network " + network + " is not active; start it with "
                    + "`virsh -c " + settings.connectionUri() + " net-start " + network + "` (and `net-autostart " + network + "` to keep it so)");
            case MISSING -> throw new PreCreateCheckException("libvirt at " + settings.connectionUri() + " has no network " + network
                    + "; list them with `virsh -c " + settings.connectionUri() + " net-list --all`, or use --kvm-network user");
        }
    }

    /** A libvirtd elsewhere is not started from here: its failure names how to reach it. */
    private void reachable() {
        try {
            libvirt.check();
        } catch (DriverException e) {
            String fix = uri.remote()
                    ? "check that this host logs in to " + uri.host().orElseThrow() + " over SSH without a password (a key in "
                        + "ssh-agent, or ?keyfile=PATH in the URI) and that libvirtd runs there: virsh -c '" + uri + "' version"
                    : "check that a libvirtd listens on that socket (is its container running?): virsh -c '" + uri + "' version";
            String cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            throw new PreCreateCheckException("libvirtd at " + uri + " is unreachable (" + cause.lines().findFirst().orElse("").strip()
                    + "); " + fix);
        }
    }

    private static void requireTool(String tool, String pkg, List<String> missing) {
        if (HostTools.find(tool).isEmpty()) {
            missing.add(pkg);
        }
    }
}
