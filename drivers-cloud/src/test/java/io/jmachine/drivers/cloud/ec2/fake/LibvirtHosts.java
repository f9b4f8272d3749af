package io.jmachine.drivers.cloud.ec2.fake;

import io.jmachine.drivers.Progress;
import io.jmachine.drivers.kvm.AccelChoice;
import io.jmachine.drivers.kvm.DomainXml;
import io.jmachine.drivers.kvm.GuestImage;
import io.jmachine.drivers.kvm.PortForward;
import io.jmachine.drivers.kvm.image.ImageCache;
import io.jmachine.templates.Templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Real instances for {@link FakeEc2}: each a libvirt domain (TCG, user-mode networking with restrict=on) on an overlay of
 * the kvm driver's cached Debian image, booted with a NoCloud seed that carries the user-data the driver sent. Its
 * "public address" is a loopback address of its own, 127.0.0.N, whose ports 22 and 2376 QEMU forwards to the guest, so
 * the driver reaches it at port 22 and 2376 as it would an EC2 instance.
 */
public final class LibvirtHosts implements InstanceHosts {

    private static final String URI = "qemu:///system";
    private final Path dir;
    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    public LibvirtHosts(Path dir) {
        this.dir = dir;
    }

    /** The libvirt domain of an instance. */
    public static String domain(String instanceId) {
        return "jmec2-" + instanceId;
    }

    @Override
    public String launch(String instanceId, String userData) {
        try {
            GuestImage image = ImageCache.ofUser().defaultImage(Progress.silent());
            Path disk = dir.resolve(instanceId + ".qcow2");
            Path seedDir = Files.createDirectories(dir.resolve(instanceId + "-seed"));
            Path seed = dir.resolve(instanceId + "-seed.iso");
            virshOrTool(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", image.diskFormat(), "-b", image.disk().toString(),
                    disk.toString(), "20000M"));
            Files.writeString(seedDir.resolve("user-data"), userData, StandardCharsets.UTF_8);
            Files.writeString(seedDir.resolve("meta-data"), "instance-id: " + instanceId + "\nlocal-hostname: " + instanceId + "\n");
            virshOrTool(List.of("genisoimage", "-quiet", "-output", seed.toString(), "-volid", "cidata", "-joliet", "-rock",
                    seedDir.resolve("user-data").toString(), seedDir.resolve("meta-data").toString()));
            String address = freeLoopbackAddress();
            addresses.put(instanceId, address);
            String xml = new DomainXml(domain(instanceId), UUID.randomUUID(), 1024, Math.min(2, Runtime.getRuntime().availableProcessors()),
                    AccelChoice.ofThisHost().choose("auto"), disk, seed, image, "user", null,
                    List.of(new PortForward(22, 22), new PortForward(2376, 2376)), "+0:+0", null, dir.resolve(instanceId + "-console.log"),
                    address, List.of()) // the forwards on the instance's own loopback address; no host folders
                    .render(new Templates());
            Path xmlFile = dir.resolve(instanceId + ".xml");
            Files.writeString(xmlFile, xml);
            virshOrTool(List.of("virsh", "-c", URI, "define", xmlFile.toString()));
            virshOrTool(List.of("virsh", "-c", URI, "start", domain(instanceId)));
            return address;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 127.0.0.N with ports 22 and 2376 free. */
    private static String freeLoopbackAddress() {
        for (int n = 100 + (int) (ProcessHandle.current().pid() % 100); n < 254; n++) {
            String address = "127.0.0." + n;
            if (free(address, 22) && free(address, 2376)) {
                return address;
            }
        }
        throw new IllegalStateException("no loopback address with ports 22 and 2376 free");
    }

    private static boolean free(String address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean running(String instanceId) {
        return "running".equals(domState(instanceId));
    }

    private String domState(String instanceId) {
        return virshOrTool(List.of("virsh", "-c", URI, "domstate", domain(instanceId))).strip();
    }

    @Override
    public void stop(String instanceId) {
        virshOrTool(List.of("virsh", "-c", URI, "shutdown", domain(instanceId)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && !domState(instanceId).startsWith("shut")) {
            sleep();
        }
        if (!domState(instanceId).startsWith("shut")) {
            virshOrTool(List.of("virsh", "-c", URI, "destroy", domain(instanceId)));
        }
    }

    @Override
    public void start(String instanceId) {
        virshOrTool(List.of("virsh", "-c", URI, "start", domain(instanceId)));
    }

    @Override
    public void terminate(String instanceId) {
        run(List.of("virsh", "-c", URI, "destroy", domain(instanceId)));
        run(List.of("virsh", "-c", URI, "undefine", domain(instanceId)));
        try {
            for (String file : List.of(".qcow2", "-seed.iso", ".xml", "-seed/user-data", "-seed/meta-data", "-seed")) {
                Files.deleteIfExists(dir.resolve(instanceId + file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether libvirt still has the instance's domain. */
    public static boolean domainExists(String instanceId) {
        return run(List.of("virsh", "-c", URI, "dominfo", domain(instanceId))).startsWith("ok:");
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String virshOrTool(List<String> command) {
        String result = run(command);
        if (!result.startsWith("ok:")) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + result);
        }
        return result.substring(3);
    }

    /** "ok:OUTPUT" or "failed:OUTPUT". */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return (process.waitFor() == 0 ? "ok:" : "failed:") + out;
        } catch (IOException e) {
            return "failed:" + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "failed: interrupted";
        }
    }
}
