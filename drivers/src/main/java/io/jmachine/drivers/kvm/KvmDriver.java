package io.jmachine.drivers.kvm;

import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.MachineState;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.SshEndpoint;
import io.jmachine.drivers.kvm.image.ImageCache;
import io.jmachine.templates.Templates;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A QEMU VM through libvirt, on this host or another. Its disk is a qcow2 overlay on a base image and its first boot is
 * configured by a cloud-init NoCloud seed: volumes of a storage pool of the target libvirtd, the base uploaded once per
 * libvirt host from this host's image cache. Its volumes and its domain are named by the machine, so `rm` removes them
 * whatever phase a create was interrupted in; shared images stay.
 */
public final class KvmDriver implements Driver {

    public static final String NAME = "kvm";
    /** The --kvm-network value of QEMU's user-mode networking. */
    static final String USER_NETWORK = "user";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);
    /** The bundle disk in the guest: a virtio disk whose serial udev names in /dev/disk/by-id. */
    static final String BUNDLE_DEVICE = "/dev/disk/by-id/virtio-jmbundle";
    /** From domain start to a DHCP lease: the guest asks early in its boot, which TCG makes slow. */
    private static final Duration ADDRESS_TIMEOUT = Duration.ofSeconds(240);

    private final MachineContext context;
    private final ImageCache images;
    private final AccelChoice accelChoice;
    private final LibvirtDomains libvirt;
    private final LibvirtUri uri;
    private final AddressWait addressWait;
    private final Templates templates = new Templates();
    private KvmSettings settings;
    /** What the guest runs at its first boot, and the bundle it reads (create only; null for an upload over SSH). */
    private String firstBootScript;
    private Path firstBootBundle;

    KvmDriver(MachineContext context, KvmSettings settings, ImageCache images, AccelChoice accelChoice, GuestAddresses addresses) {
        this.context = context;
        this.settings = settings;
        this.images = images;
        this.accelChoice = accelChoice;
        this.libvirt = new LibvirtDomains(settings.connectionUri());
        this.uri = new LibvirtUri(settings.connectionUri());
        this.addressWait = new AddressWait(addresses, ADDRESS_TIMEOUT, Duration.ofSeconds(2));
    }

    @Override
    public String name() {
        return NAME;
    }

    Path disk() {
        return context.machineDir().resolve("disk.qcow2");
    }

    Path seed() {
        return context.machineDir().resolve("seed.iso");
    }

    /** A machine made before disks were volumes kept its bundle disk here. */
    Path bundleDisk() {
        return context.machineDir().resolve("bundle.img");
    }

    Path consoleLogFile() {
        return context.machineDir().resolve("console.log");
    }

    /** With user-mode networking the engine's address (127.0.0.1) is known before the VM exists: its TLS files can be seeded. */
    @Override
    public Optional<String> firstBootBundleDevice() {
        return settings.userModeNetwork() ? Optional.of(BUNDLE_DEVICE) : Optional.empty();
    }

    @Override
    public void firstBoot(String script, Path bundle) {
        this.firstBootScript = script;
        this.firstBootBundle = bundle;
    }

    /** Kept in the machine's folder by a virtlogd on this host; one elsewhere cannot write there. */
    @Override
    public Optional<Path> consoleLog() {
        return uri.sharesThisHostsFiles() ? Optional.of(consoleLogFile()) : Optional.empty();
    }

    private LibvirtStorage storage() {
        return new LibvirtStorage(libvirt, settings.connectionUri(), settings.storagePool());
    }

    @Override
    public void preCreateCheck(Progress progress) {
        if (settings.memory() < 256) {
            throw new PreCreateCheckException("--kvm-memory " + settings.memory() + " is too little: give at least 256 (MiB)");
        }
        if (settings.cpu() < 1) {
            throw new PreCreateCheckException("--kvm-cpu-count " + settings.cpu() + " must be at least 1");
        }
        if (settings.diskSize() < 2000) {
            throw new PreCreateCheckException("--kvm-disk-size " + settings.diskSize() + " is too small: give at least 2000 (MB)");
        }
        if (!settings.userModeNetwork() && !settings.portForwards().isEmpty()) {
            throw new PreCreateCheckException("--kvm-port-forward works with --kvm-network user only; on the libvirt network "
                    + settings.network() + " reach the VM's ports at its address (jmachine ip " + settings.machineName() + ")");
        }
        for (HostMount mount : settings.mounts()) {
            String problem = mount.problem();
            if (problem != null) {
                throw new PreCreateCheckException(problem);
            }
        }
        UserImage.check(settings.image(), settings.imageChecksum());
        accelChoice.choose(settings.accel());
        new LibvirtHostChecks(settings, uri, libvirt, storage(), images).run(progress);
    }


    @Override
    public void create(Progress progress) {
        Accel accel = accelChoice.choose(settings.accel());
        settings = settings.withAccelInUse(accel);
        GuestImage local = settings.image() == null ? images.defaultImage(progress)
                : GuestImage.bootsItself(new UserImage(settings.image(), settings.imageChecksum()).file(images, progress));
        GuestImage image = MachineVolumes.share(local, storage(), images.digests(), progress);
        MachineVolumes volumes;
        try {
            Files.createDirectories(context.machineDir());
            SshHostKey hostKey = SshHostKey.generate(context.machineDir(), "jmachine-" + settings.machineName());
            if (settings.userModeNetwork()) {
                pinHostKey(hostKey);
            }
            String authorizedKey = Files.readString(context.sshPublicKey(), StandardCharsets.UTF_8);
            new CloudInitSeed(settings.machineName(), settings.uuid(), settings.sshUser(), authorizedKey, hostKey, firstBootScript,
                    GuestMounts.script(settings.mounts()), settings.image() == null)
                    .writeIso(templates, seed());
            volumes = MachineVolumes.make(settings.machineName(), image, local.diskFormat(), settings.diskSize(), seed(), firstBootBundle,
                    storage(), owner(), progress);
        } catch (IOException e) {
            throw new DriverException("cannot write the files of " + settings.machineName() + " in " + context.machineDir() + ": " + e.getMessage(), e);
        }
        Optional<GuestAddresses.Lease> before = settings.userModeNetwork() ? Optional.empty() : currentLease();
        String xml = domainXml(accel, image, volumes).render(templates);
        try (ExitGuard guard = new ExitGuard()) {
            guard.run("define and start the domain " + settings.machineName(), () -> libvirt.defineAndStart(xml));
        }
        progress.report("started the libvirt domain " + settings.machineName() + " (" + accel.name() + ", "
                + (settings.userModeNetwork() ? "user-mode networking" : "network " + settings.network()) + ")");
        if (!settings.userModeNetwork()) {
            readAddress(before, progress);
        }
    }

    private Optional<GuestAddresses.Lease> currentLease() {
        return addressWait.current(settings.network(), settings.machineName(), settings.macAddress());
    }

    /** Pins the guest's host key for the address SSH reaches it at, so that the first contact is verified. */
    private void pinHostKey(SshHostKey hostKey) throws IOException {
        Files.writeString(context.knownHosts(), hostKey.knownHostsLine(sshEndpoint().knownHostsName()), StandardCharsets.UTF_8);
    }

    /**
     * Waits for the VM's DHCP lease on its libvirt network and keeps the address; a lease that moved (after a stop, or an
     * expired lease) re-pins the host key for the new address.
     */
    void readAddress(Optional<GuestAddresses.Lease> before, Progress progress) {
        String address = addressWait.await(settings.network(), settings.machineName(), settings.macAddress(), before, progress);
        if (address.equals(settings.ipAddress()) && Files.exists(context.knownHosts())) {
            return;
        }
        settings = settings.withIpAddress(address);
        try {
            pinHostKey(SshHostKey.read(context.machineDir()));
        } catch (IOException e) {
            throw new DriverException("cannot pin the host key of " + settings.machineName() + " for " + address + " in "
                    + context.knownHosts() + ": " + e.getMessage(), e);
        }
    }

    /** The forwards the domain is defined with: SSH, the engine, --kvm-port-forward. */
    private List<PortForward> ownForwards() {
        List<PortForward> forwards = new ArrayList<>();
        forwards.add(new PortForward(settings.sshPort(), 22));
        forwards.add(new PortForward(settings.enginePort(), KvmDriverFactory.GUEST_ENGINE_PORT));
        forwards.addAll(settings.portForwards());
        return forwards;
    }

    DomainXml domainXml(Accel accel, GuestImage image, MachineVolumes volumes) {
        return new DomainXml(settings.machineName(), UUID.fromString(settings.uuid()), settings.memory(), settings.cpu(), accel,
                Path.of(volumes.disk()), Path.of(volumes.seed()), image, settings.network(), settings.macAddress(), ownForwards(),
                uri.sharesThisHostsFiles() ? dacLabel() : null, volumes.bundle() != null ? Path.of(volumes.bundle()) : null,
                consoleLog().orElse(null), settings.reachedAt(), settings.mounts());
    }

    /** The volumes belong to the user QEMU runs as when that is this host's user (see {@link #dacLabel}). */
    private LibvirtStorage.Owner owner() {
        String label = uri.sharesThisHostsFiles() ? dacLabel() : null;
        if (label == null) {
            return LibvirtStorage.LIBVIRT_DEFAULT;
        }
        String[] ids = label.replace("+", "").split(":");
        return new LibvirtStorage.Owner(ids[0], ids[1]);
    }

    /** QEMU on this host runs as the user who runs jmachine, who owns the store (see {@link DomainXml}). */
    private String dacLabel() {
        try {
            Object uid = Files.getAttribute(context.machineDir(), "unix:uid");
            Object gid = Files.getAttribute(context.machineDir(), "unix:gid");
            return "+" + uid + ":+" + gid;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    @Override
    public void exportDisk(Path target, Progress progress) {
        MachineState state = state();
        if (state != MachineState.STOPPED && state != MachineState.NONE) {
            throw new DriverException(settings.machineName() + " is " + state.display() + ": stop it first (jmachine stop "
                    + settings.machineName() + ") so that its disk is consistent");
        }
        if (!uri.sharesThisHostsFiles()) {
            throw new DriverException("the disk of " + settings.machineName() + " is on the libvirt host of " + settings.connectionUri()
                    + ": export --disk reads disks of this host's libvirt only; export without --disk");
        }
        String source = settings.storagePool() == null ? disk().toString() : storage().path(VolumeNames.disk(settings.machineName()));
        Path qemuImg = HostTools.find("qemu-img").orElseThrow(() -> new DriverException("qemu-img is missing: install qemu-utils"));
        progress.report("writing the disk as a standalone qcow2 (its base image folded in)");
        // convert without -B folds the backing chain into one image that boots anywhere
        HostTools.run(List.of(qemuImg.toString(), "convert", "-q", "-O", "qcow2", source, target.toString()), 3600);
    }

    /**
     * Defines the imported machine's domain on this host's libvirt, under a new UUID (the original may still be defined
     * here), with the accelerator this host has. Its seed is the one it was made with; the first-boot bundle is not needed.
     */
    @Override
    public void imported(Progress progress) {
        if (!Files.isRegularFile(disk())) {
            throw new DriverException("the archive of " + settings.machineName() + " has no disk: export the machine with --disk");
        }
        if (!uri.sharesThisHostsFiles()) {
            throw new DriverException("an imported machine's disk stays in its folder, which the libvirt host of " + settings.connectionUri()
                    + " cannot read: import it into a store on that host");
        }
        if (libvirt.state(settings.machineName()) != MachineState.NONE) {
            throw new DriverException("libvirt at " + settings.connectionUri() + " already has a domain named " + settings.machineName()
                    + "; import under another name (--name) or remove that domain");
        }
        settings = settings.imported(context.machineName(), UUID.randomUUID().toString(), context.machineDir(), context.storeRoot());
        Accel accel = accelChoice.choose(settings.accel());
        settings = settings.withAccelInUse(accel);
        GuestImage image = settings.image() == null ? images.defaultImage(progress) : GuestImage.bootsItself(disk());
        // the imported disk and seed stay files in the machine's folder (no pool: see KvmSettings.imported)
        libvirt.define(domainXml(accel, image, new MachineVolumes(disk().toString(), seed().toString(), null)).render(templates));
        progress.report("defined the libvirt domain " + settings.machineName() + " (" + accel.name() + ")");
    }

    @Override
    public void start(Progress progress) {
        if (settings.userModeNetwork()) {
            libvirt.start(settings.machineName());
            return;
        }
        boolean wasRunning = state() == MachineState.RUNNING;
        Optional<GuestAddresses.Lease> before = currentLease();
        libvirt.start(settings.machineName());
        // a guest that runs already holds its lease: nothing new is coming
        readAddress(wasRunning ? Optional.empty() : before, progress);
    }

    /** A clean shutdown through ACPI; a guest that ignores it is stopped hard after {@link #STOP_TIMEOUT}. */
    @Override
    public void stop(Progress progress) {
        libvirt.shutdown(settings.machineName());
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            MachineState state = state();
            if (state == MachineState.STOPPED || state == MachineState.NONE) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("stopping " + settings.machineName() + " was interrupted");
            }
        }
        libvirt.destroy(settings.machineName());
    }

    @Override
    public void kill() {
        libvirt.destroy(settings.machineName());
    }

    /** Removes the domain and the machine's volumes (never a shared image); its folder goes with the store's removal of it. */
    @Override
    public void remove() {
        libvirt.remove(settings.machineName());
        if (settings.storagePool() != null) {
            storage().deleteMachineVolumes(settings.machineName());
        }
        try {
            Files.deleteIfExists(disk());
            Files.deleteIfExists(seed());
            Files.deleteIfExists(bundleDisk());
        } catch (IOException e) {
            throw new DriverException("cannot delete the disk of " + settings.machineName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public MachineState state() {
        return libvirt.state(settings.machineName());
    }

    @Override
    public URI engineUrl() {
        if (settings.userModeNetwork()) {
            return URI.create("tcp://" + settings.reachedAt() + ":" + settings.enginePort());
        }
        return URI.create("tcp://" + networkAddress() + ":" + KvmDriverFactory.GUEST_ENGINE_PORT);
    }

    @Override
    public int engineListenPort() {
        return KvmDriverFactory.GUEST_ENGINE_PORT;
    }

    @Override
    public String ipAddress() {
        return settings.userModeNetwork() ? settings.reachedAt() : networkAddress();
    }

    private String networkAddress() {
        if (settings.ipAddress() == null) {
            throw new DriverException(settings.machineName() + " has no address on the libvirt network " + settings.network()
                    + " yet: its create did not get that far; start it (jmachine start " + settings.machineName() + ") or remove it");
        }
        return settings.ipAddress();
    }

    @Override
    public boolean hasHost() {
        return true;
    }

    @Override
    public Optional<SshEndpoint> ssh() {
        return Optional.of(sshEndpoint());
    }

    private SshEndpoint sshEndpoint() {
        if (settings.userModeNetwork()) {
            return new SshEndpoint(settings.reachedAt(), settings.sshPort(), settings.sshUser(), Path.of(settings.sshKeyPath()));
        }
        return new SshEndpoint(networkAddress(), 22, settings.sshUser(), Path.of(settings.sshKeyPath()));
    }

    /** With user-mode networking, containers' published ports are forwarded at run time (see {@link KvmForwards}). */
    @Override
    public Optional<io.jmachine.drivers.PortForwarding> portForwarding() {
        if (!settings.userModeNetwork()) {
            return Optional.empty();
        }
        List<HostForward> own = ownForwards().stream()
                .map(f -> new HostForward("tcp", settings.reachedAt(), f.hostPort(), f.guestPort())).toList();
        return Optional.of(new KvmForwards(hmp -> libvirt.monitor(settings.machineName(), hmp), own, settings.forwardAddress(),
                KvmForwards::hostHasAddress, context.machineDir().resolve("forwards.json")));
    }

    @Override
    public boolean ownsHost() {
        return true;
    }

    @Override
    public KvmSettings settings() {
        return settings;
    }
}
