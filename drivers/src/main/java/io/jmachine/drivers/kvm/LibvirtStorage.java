package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kvm driver's disks as volumes of one storage pool of the target libvirtd, whichever host it runs on: shared images
 * (uploaded once, see {@link SharedVolumes}), and each machine's overlay (made by libvirt on a shared image), seed and
 * bundle disk. Nothing QEMU opens is a path on this host.
 */
final class LibvirtStorage {

    /** libvirt's own images folder, where a missing pool is made. */
    static final String IMAGES = "/var/lib/libvirt/images";
    private static final Pattern FORMAT = Pattern.compile("<format type='([^']+)'/>");
    private static final Pattern PHYSICAL = Pattern.compile("<physical unit='bytes'>(\\d+)</physical>");

    /**
     * Who owns a machine's volumes: the user QEMU runs as when it runs on this host as that user (see {@link DomainXml}),
     * or nobody in particular (libvirt's defaults; it labels them for QEMU at start).
     */
    record Owner(String uid, String gid) {
        String xml(String mode) {
            return "<permissions><mode>" + mode + "</mode>" + (uid == null ? "" : "<owner>" + uid + "</owner><group>" + gid + "</group>")
                    + "</permissions>";
        }
    }

    static final Owner LIBVIRT_DEFAULT = new Owner(null, null);

    private final LibvirtDomains calls;
    private final String uri;
    private final String pool;

    LibvirtStorage(LibvirtDomains calls, String uri, String pool) {
        this.calls = calls;
        this.uri = uri;
        this.pool = pool;
    }

    String pool() {
        return pool;
    }

    /** The folder a pool of this name is made in when the libvirt host lacks it. */
    static String folderOf(String pool) {
        return "default".equals(pool) ? IMAGES : IMAGES + "/" + pool;
    }

    /** Makes the pool active: started when defined but inactive, made as a dir pool under {@link #IMAGES} when missing. */
    void ensurePool(Progress progress) {
        String fix = "make it yourself (virsh -c '" + uri + "' pool-define-as " + pool + " dir --target " + folderOf(pool)
                + " && virsh -c '" + uri + "' pool-build " + pool + " && virsh -c '" + uri + "' pool-start " + pool
                + " && virsh -c '" + uri + "' pool-autostart " + pool + "), or pass --kvm-storage-pool with an active pool";
        try {
            calls.with("ensure the storage pool " + pool, connect -> {
                if (List.of(connect.listStoragePools()).contains(pool)) {
                    return 0;
                }
                StoragePool made;
                if (List.of(connect.listDefinedStoragePools()).contains(pool)) {
                    made = connect.storagePoolLookupByName(pool);
                    made.create(0);
                    progress.report("started the inactive storage pool " + pool + " at " + uri);
                } else {
                    made = connect.storagePoolDefineXML("<pool type='dir'><name>" + pool + "</name><target><path>" + folderOf(pool)
                            + "</path></target></pool>", 0);
                    try {
                        made.build(0);
                        made.create(0);
                    } catch (LibvirtException e) {
                        made.undefine();
                        throw e;
                    }
                    progress.report("made the storage pool " + pool + " (a folder, " + folderOf(pool) + ") at " + uri);
                }
                made.setAutostart(1);
                return 0;
            });
        } catch (DriverException e) {
            throw new PreCreateCheckException("the storage pool " + pool + " at " + uri + " is missing or inactive and could not be "
                    + "made (" + e.getMessage() + "); " + fix);
        }
    }

    /** Which of these volume names the pool has. */
    List<String> present(List<String> names) {
        return calls.with("list the volumes of the pool " + pool, connect -> {
            List<String> volumes = List.of(storagePool(connect).listVolumes());
            return names.stream().filter(volumes::contains).toList();
        });
    }

    /** The volume's path on the libvirt host, for the domain's XML. */
    String path(String name) {
        return calls.with("look up the volume " + name, connect -> storagePool(connect).storageVolLookupByName(name).getPath());
    }

    /** The shared volume holding {@code file} (uploaded the first time this libvirt host sees its digest); its path. */
    String shared(Path file, String sha256, String format, String what, Progress progress) {
        return calls.with("put " + what + " into the pool " + pool, connect ->
                new SharedVolumes(uri, storagePool(connect), calls).ensure(connect, file, sha256, format, what, progress));
    }

    /** A qcow2 overlay of {@code backingPath} that libvirt makes ({@code qemu-img create -b}); its path. */
    String overlay(String name, String backingPath, String backingFormat, int sizeMiB, Owner owner) {
        String xml = "<volume><name>" + name + "</name><capacity unit='MiB'>" + sizeMiB + "</capacity>"
                + "<target><format type='qcow2'/><compat>1.1</compat>" + owner.xml("0600") + "</target>"
                + "<backingStore><path>" + backingPath + "</path><format type='" + backingFormat + "'/></backingStore></volume>";
        return calls.with("make the disk " + name + " on " + backingPath, connect -> storagePool(connect).storageVolCreateXML(xml, 0).getPath());
    }

    /** A raw volume of the machine with {@code file}'s bytes and {@code zeros} zero bytes after them; its path. */
    String upload(String name, Path file, long zeros, Owner owner, String what, Progress progress) {
        long size;
        try {
            size = java.nio.file.Files.size(file) + zeros;
        } catch (java.io.IOException e) {
            throw new DriverException("cannot read " + file + " to upload it: " + e.getMessage(), e);
        }
        return calls.with("upload " + what + " as " + name, connect -> {
            StorageVol volume = storagePool(connect).storageVolCreateXML(rawVolume(name, size, owner.xml("0600")), 0);
            VolumeUpload.send(connect, volume, file, zeros, what, progress, stream -> { });
            return volume.getPath();
        });
    }

    /** Deletes the machine's volumes that are there; shared images stay. */
    void deleteMachineVolumes(String machine) {
        calls.with("delete the volumes of " + machine + " in the pool " + pool, connect -> {
            Optional<StoragePool> found = lookupPool(connect);
            if (found.isEmpty()) {
                return 0;
            }
            List<String> volumes = List.of(found.get().listVolumes());
            for (String name : VolumeNames.ofMachine(machine)) {
                if (volumes.contains(name)) {
                    found.get().storageVolLookupByName(name).delete(0);
                }
            }
            return 0;
        });
    }

    static String rawVolume(String name, long bytes, String permissions) {
        return "<volume><name>" + name + "</name><capacity unit='bytes'>" + bytes + "</capacity><allocation>0</allocation>"
                + "<target><format type='raw'/>" + permissions + "</target></volume>";
    }

    /** The format libvirt found in a volume's content, from its XML. */
    static Optional<String> format(String volumeXml) {
        Matcher m = FORMAT.matcher(volumeXml);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** A file volume's size in bytes on the libvirt host, from its XML (libvirt 1.2.? and later say it). */
    static Optional<Long> physical(String volumeXml) {
        Matcher m = PHYSICAL.matcher(volumeXml);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    private StoragePool storagePool(Connect connect) throws LibvirtException {
        return lookupPool(connect).orElseThrow(() -> new DriverException("libvirt at " + uri + " has no storage pool " + pool
                + "; create the machine again (it makes the pool), or make it: virsh -c '" + uri + "' pool-define-as " + pool
                + " dir --target " + folderOf(pool)));
    }

    private Optional<StoragePool> lookupPool(Connect connect) throws LibvirtException {
        // looked up in the list first: a failed lookup by name makes libvirt print its error
        return List.of(connect.listStoragePools()).contains(pool) ? Optional.of(connect.storagePoolLookupByName(pool)) : Optional.empty();
    }
}
