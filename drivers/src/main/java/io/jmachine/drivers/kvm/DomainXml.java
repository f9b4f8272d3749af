package io.jmachine.drivers.kvm;

import io.jmachine.templates.TemplateName;
import io.jmachine.templates.Templates;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The libvirt domain of one machine.
 *
 * @param mac      the NIC's MAC on a libvirt network (null: libvirt picks one, as with user-mode networking)
 * @param dacLabel the {@code uid:gid} QEMU runs as (e.g. {@code +0:+0}), so that it can read the store and the image cache
 *                 of the user who runs jmachine (qemu:///system would otherwise run it as libvirt-qemu, which cannot enter
 *                 /root); null keeps libvirt's default
 * @param bundle   a raw disk with the engine bundle, read by the first-boot script; null for none
 * @param consoleLog where the serial console's output is kept; null for nowhere
 * @param forwardAddress the address QEMU binds the user-mode forwards to: loopback, or the libvirt host's address
 * @param mounts   host folders shared with virtio-fs, tagged by their index ({@link HostMount#tag})
 */
public record DomainXml(String name, UUID uuid, int memoryMiB, int cpus, Accel accel, Path disk, Path seed, GuestImage image,
                        String network, String mac, List<PortForward> forwards, String dacLabel, Path bundle, Path consoleLog,
                        String forwardAddress, List<HostMount> mounts) {

    public String render(Templates templates) {
        Map<String, Object> model = new HashMap<>();
        model.put("name", name);
        model.put("uuid", uuid.toString());
        model.put("memoryMiB", memoryMiB);
        model.put("cpus", cpus);
        model.put("accel", accel.domainType());
        model.put("diskPath", disk.toString());
        model.put("seedPath", seed.toString());
        if (image.directKernelBoot()) {
            model.put("kernel", image.kernel().toString());
            model.put("initrd", image.initrd().toString());
            // net.ifnames=0: the NIC is eth0 whatever PCI slot it lands in
            model.put("cmdline", "root=" + image.rootDevice() + " rw console=ttyS0 net.ifnames=0");
        }
        model.put("network", network);
        if (mac != null) {
            model.put("mac", mac);
        }
        List<Map<String, Object>> hostForwards = new ArrayList<>();
        for (PortForward forward : forwards) {
            hostForwards.add(Map.of("hostIp", forwardAddress, "hostPort", forward.hostPort(), "guestPort", forward.guestPort()));
        }
        model.put("forwards", hostForwards);
        if (dacLabel != null) {
            model.put("dacLabel", dacLabel);
        }
        if (bundle != null) {
            model.put("bundlePath", bundle.toString());
        }
        if (consoleLog != null) {
            model.put("consoleLog", consoleLog.toString());
        }
        List<Map<String, Object>> shared = new ArrayList<>();
        for (int i = 0; i < mounts.size(); i++) {
            shared.add(Map.of("source", mounts.get(i).hostPath(), "tag", HostMount.tag(i)));
        }
        model.put("mounts", shared);
        return templates.render(TemplateName.LIBVIRT_DOMAIN, model);
    }
}
