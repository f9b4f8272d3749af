package io.jmachine.drivers.kvm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.drivers.Driver;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.DriverFactory;
import io.jmachine.drivers.DriverFlag;
import io.jmachine.drivers.DriverOptions;
import io.jmachine.drivers.MachineContext;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.kvm.image.ImageCache;
import io.jmachine.drivers.kvm.image.ImageDownloads;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** `create -d kvm [--kvm-…] NAME`: a QEMU VM through libvirt, on a copy-on-write overlay of a cached base image. */
public final class KvmDriverFactory implements DriverFactory {

    static final String MEMORY = "--kvm-memory";
    static final String CPU_COUNT = "--kvm-cpu-count";
    static final String DISK_SIZE = "--kvm-disk-size";
    static final String URI = "--kvm-uri";
    static final String ACCEL = "--kvm-accel";
    static final String NETWORK = "--kvm-network";
    static final String PORT_FORWARD = "--kvm-port-forward";
    static final String IMAGE = "--kvm-image";
    static final String IMAGE_CHECKSUM = "--kvm-image-checksum";
    static final String SSH_USER = "--kvm-ssh-user";
    static final String STORAGE_POOL = "--kvm-storage-pool";
    static final String MOUNT = "--kvm-mount";
    static final String FORWARD_ADDRESS = "--kvm-forward-address";

    /** The port the engine listens on inside the guest. */
    static final int GUEST_ENGINE_PORT = 2376;

    /** Made on first restore: a registry is made on every start, and most verbs restore no machine of this driver. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    private final ImageCache images;
    private final AccelChoice accel;
    private final Function<String, GuestAddresses> addressesAtUri;

    public KvmDriverFactory() {
        this(ImageCache.ofUser(), AccelChoice.ofThisHost(), GuestAddresses::virsh);
    }

    /** @param addressesAtUri how guests' addresses on libvirt networks are read, given the libvirt URI */
    public KvmDriverFactory(ImageCache images, AccelChoice accel, Function<String, GuestAddresses> addressesAtUri) {
        this.images = images;
        this.accel = accel;
        this.addressesAtUri = addressesAtUri;
    }

    @Override
    public String name() {
        return KvmDriver.NAME;
    }

    @Override
    public String description() {
        return "A QEMU/KVM virtual machine through libvirt; the default guest image is built once on this host.";
    }

    /**
     * Two CPUs where the host has them: the engine is a JVM, whose compiler and collector threads then run beside its
     * main thread. Under TCG, where each vCPU is a host thread, that halves create (80 s to 45 s to a working engine).
     */
    static int defaultCpuCount() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public List<DriverFlag> flags() {
        return List.of(
                DriverFlag.integer(MEMORY, "The VM's memory in MiB (kvm driver).", 1024).withEnv("KVM_MEMORY"),
                DriverFlag.integer(CPU_COUNT, "The VM's CPUs (kvm driver; default: 2, or 1 on a one-core host).", defaultCpuCount())
                        .withEnv("KVM_CPU_COUNT"),
                DriverFlag.integer(DISK_SIZE, "The VM's disk size in MB (kvm driver).", 20000).withEnv("KVM_DISK_SIZE"),
                DriverFlag.string(URI, "The libvirt connection URI (kvm driver).", "qemu:///system").withEnv("KVM_URI"),
                DriverFlag.string(ACCEL, "auto, kvm or tcg: auto takes KVM only on a CPU with vmx/svm that is not itself a guest (kvm driver).",
                        "auto").withEnv("KVM_ACCEL"),
                DriverFlag.string(NETWORK, "user (QEMU user-mode networking, ports forwarded to 127.0.0.1) or a libvirt network name (kvm driver).",
                        "user").withEnv("KVM_NETWORK"),
                DriverFlag.stringList(PORT_FORWARD, "HOST:GUEST, a TCP port forwarded from 127.0.0.1 to the VM; repeatable (kvm driver)."),
                DriverFlag.string(IMAGE, "A cloud image with cloud-init (qcow2 or raw; a path, or an http(s) URL downloaded once into "
                        + "the image cache) to boot instead of the default Debian image (kvm driver).", null).withEnv("KVM_IMAGE"),
                DriverFlag.string(IMAGE_CHECKSUM, "sha256:HEX that the --kvm-image must have (kvm driver).", null)
                        .withEnv("KVM_IMAGE_CHECKSUM"),
                DriverFlag.string(SSH_USER, "The user made in the VM for SSH (kvm driver).", "docker").withEnv("KVM_SSH_USER"),
                DriverFlag.string(STORAGE_POOL, "The libvirt storage pool of the VM's disks and the shared base images, made as a "
                        + "folder under " + LibvirtStorage.IMAGES + " when missing (kvm driver).", "default").withEnv("KVM_STORAGE_POOL"),
                DriverFlag.stringList(MOUNT, "HOST_PATH[:GUEST_PATH][:ro], a host folder mounted in the VM (virtio-fs); repeatable; "
                        + "default: your home folder at the same path; none for none (kvm driver)."),
                DriverFlag.string(FORWARD_ADDRESS, "Where the VM's SSH and engine ports and the ports its containers publish are "
                        + "forwarded with --kvm-network user: an "
                        + "address of the libvirt host that this host reaches (kvm driver; default: the --kvm-uri's host, or 127.0.0.1 "
                        + "for a local libvirt).", null).withEnv("KVM_FORWARD_ADDRESS"));
    }

    @Override
    public Driver newDriver(MachineContext context, DriverOptions options) {
        List<PortForward> forwards = new ArrayList<>();
        for (String spec : options.strings(PORT_FORWARD)) {
            try {
                forwards.add(PortForward.parse(spec));
            } catch (IllegalArgumentException e) {
                throw new PreCreateCheckException(e.getMessage());
            }
        }
        LibvirtUri uri = new LibvirtUri(options.string(URI));
        List<HostMount> mounts;
        try {
            mounts = HostMount.parseAll(options.strings(MOUNT), System.getProperty("user.home"));
        } catch (IllegalArgumentException e) {
            throw new PreCreateCheckException(e.getMessage());
        }
        if (!uri.sharesThisHostsFiles()) {
            // virtio-fs shares folders of the host QEMU runs on: this host's home means nothing to a libvirtd elsewhere
            if (!options.strings(MOUNT).isEmpty() && !mounts.isEmpty()) {
                throw new PreCreateCheckException("--kvm-mount shares folders of the host QEMU runs on, and the libvirtd of "
                        + options.string(URI) + " runs elsewhere: leave --kvm-mount out (or give --kvm-mount none)");
            }
            mounts = List.of();
        }
        String image = options.string(IMAGE);
        String network = options.string(NETWORK);
        String forwardAddress = options.string(FORWARD_ADDRESS) != null ? options.string(FORWARD_ADDRESS) : uri.defaultForwardAddress();
        int sshPort = ForwardPorts.pick(forwardAddress);
        int enginePort = ForwardPorts.pick(forwardAddress);
        while (enginePort == sshPort) {
            enginePort = ForwardPorts.pick(forwardAddress);
        }
        KvmSettings settings = new KvmSettings(context.machineName(), UUID.randomUUID().toString(),
                options.integer(MEMORY), options.integer(CPU_COUNT), options.integer(DISK_SIZE), options.string(URI),
                options.string(ACCEL), null, network, List.copyOf(forwards),
                image == null || ImageDownloads.isUrl(image) ? image : Path.of(image).toAbsolutePath().toString(),
                options.string(IMAGE_CHECKSUM), options.string(SSH_USER),
                sshPort, enginePort, context.sshKey().toString(), context.storeRoot().toString(),
                KvmDriver.USER_NETWORK.equals(network) ? null : randomMac(), null, options.string(STORAGE_POOL), forwardAddress, mounts);
        return new KvmDriver(context, settings, images, accel, addressesAtUri.apply(settings.connectionUri()));
    }

    /**
     * A MAC in QEMU's locally administered range 52:54:00, fixed at create so that the VM's DHCP lease can be found by it
     * (and a DHCP server that keys leases by MAC tends to hand the same address back after a restart).
     */
    static String randomMac() {
        byte[] tail = new byte[3];
        new SecureRandom().nextBytes(tail);
        return String.format(Locale.ROOT, "52:54:00:%02x:%02x:%02x", tail[0], tail[1], tail[2]);
    }

    @Override
    public Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets) {
        try {
            KvmSettings stored = Json.MAPPER.treeToValue(settings, KvmSettings.class);
            return new KvmDriver(context, stored, images, accel, addressesAtUri.apply(stored.connectionUri()));
        } catch (Exception e) {
            throw new DriverException("the kvm driver's settings of " + context.machineName() + " cannot be read: " + e.getMessage(), e);
        }
    }
}
