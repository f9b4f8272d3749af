package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.Progress;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.libvirt.Stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Images shared by the machines of one libvirt host, as volumes named by their digest ({@link VolumeNames#shared}).
 * A name appears only complete: the upload goes to a temporary volume, is checked (size and format), and is then
 * cloned under its name by libvirt; libvirt has no rename. Two creates at once upload once: the one that makes the
 * lock volume (libvirt makes a name once) uploads, the others wait for the name to appear.
 */
final class SharedVolumes {

    static final Duration LONGEST_WAIT = Duration.ofMinutes(15);

    private final String uri;
    private final StoragePool pool;
    private final LibvirtDomains calls;

    SharedVolumes(String uri, StoragePool pool, LibvirtDomains calls) {
        this.uri = uri;
        this.pool = pool;
        this.calls = calls;
    }

    /** The shared volume's path, after uploading {@code file} if no create has yet. */
    String ensure(Connect connect, Path file, String sha256, String format, String what, Progress progress) throws LibvirtException {
        String name = VolumeNames.shared(sha256);
        String lock = VolumeNames.lock(name);
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        boolean waited = false;
        while (true) {
            List<String> volumes = List.of(pool.listVolumes());
            if (volumes.contains(name)) {
                return pool.storageVolLookupByName(name).getPath();
            }
            if (!volumes.contains(lock) && takeLock(lock)) {
                try {
                    return upload(connect, file, name, format, what, progress);
                } finally {
                    deleteQuietly(lock);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new DriverException("another create has been uploading " + what + " to the pool " + poolName() + " at " + uri
                        + " for " + LONGEST_WAIT.toMinutes() + " min; if none runs, its lock is stale: virsh -c '" + uri
                        + "' vol-delete --pool " + poolName() + " " + lock);
            }
            if (!waited) {
                progress.report("another create is uploading " + what + " to " + uri + "; waiting for it");
                waited = true;
            }
            sleep();
        }
    }

    private boolean takeLock(String lock) {
        try {
            pool.storageVolCreateXML(LibvirtStorage.rawVolume(lock, 0, LibvirtStorage.LIBVIRT_DEFAULT.xml("0600")), 0);
            return true;
        } catch (LibvirtException e) {
            return false; // another create made it first (or the pool refuses it: the wait's deadline says so)
        }
    }

    private String upload(Connect connect, Path file, String name, String format, String what, Progress progress) throws LibvirtException {
        for (String volume : pool.listVolumes()) {
            if (VolumeNames.isPartOf(name, volume)) {
                deleteQuietly(volume); // an interrupted upload's, never complete; the lock keeps live ones apart
            }
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new DriverException("cannot read " + file + " to upload it: " + e.getMessage(), e);
        }
        String part = VolumeNames.part(name, UUID.randomUUID().toString().substring(0, 8));
        progress.report("uploading " + what + " (" + (size >> 20) + " MiB) to the pool " + poolName() + " at " + uri
                + ", once for this libvirt host");
        AtomicReference<Stream> stream = new AtomicReference<>();
        // Ctrl-C: the stream is aborted and the part and lock deleted, so that no later create waits for them
        Thread cleanup = new Thread(() -> {
            Stream open = stream.get();
            if (open != null) {
                VolumeUpload.abort(open);
            }
            try {
                calls.with("clean up an interrupted upload", c -> {
                    StoragePool p = c.storagePoolLookupByName(poolName());
                    for (String volume : List.of(part, VolumeNames.lock(name))) {
                        if (List.of(p.listVolumes()).contains(volume)) {
                            p.storageVolLookupByName(volume).delete(0);
                        }
                    }
                    return 0;
                });
            } catch (RuntimeException e) {
                // the next create deletes a part left behind; a lock left behind times its waiters out with the fix
            }
        }, "jmachine-upload-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        StorageVol temp = pool.storageVolCreateXML(LibvirtStorage.rawVolume(part, size, LibvirtStorage.LIBVIRT_DEFAULT.xml("0644")), 0);
        try {
            VolumeUpload.Sent sent = VolumeUpload.send(connect, temp, file, 0, what, progress, stream::set);
            refreshWhenIdle(); // libvirt probes the content's format: the clone converts from the format it believes
            String xml = pool.storageVolLookupByName(part).getXMLDesc(0);
            long physical = LibvirtStorage.physical(xml).orElse(size);
            String found = LibvirtStorage.format(xml).orElse(format);
            if (physical != size || !found.equals(format)) {
                throw new DriverException("the upload of " + what + " to " + uri + " came out wrong (" + physical + " bytes of "
                        + found + ", not " + size + " of " + format + "); it was deleted, create again");
            }
            long capacity = pool.storageVolLookupByName(part).getInfo().capacity;
            String cloneXml = "<volume><name>" + name + "</name><capacity unit='bytes'>" + capacity + "</capacity><target><format type='"
                    + format + "'/>" + ("qcow2".equals(format) ? "<compat>1.1</compat>" : "")
                    + LibvirtStorage.LIBVIRT_DEFAULT.xml("0644") + "</target></volume>";
            String path = pool.storageVolCreateXMLFrom(cloneXml, pool.storageVolLookupByName(part), 0).getPath();
            progress.report("uploaded " + what + " to " + uri + " (" + sent.rate() + ")");
            return path;
        } finally {
            deleteQuietly(part);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException exiting) {
                // the hook runs; it finds nothing left to delete
            }
        }
    }

    /**
     * Refreshes the pool once no other upload or clone runs in it (libvirt refuses a refresh meanwhile, and skips the
     * one it runs itself after an upload).
     */
    private void refreshWhenIdle() throws LibvirtException {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        while (true) {
            try {
                pool.refresh(0);
                return;
            } catch (LibvirtException e) {
                if (System.nanoTime() > deadline || e.getMessage() == null || !e.getMessage().contains("asynchronous jobs")) {
                    throw e;
                }
                sleep();
            }
        }
    }

    private String poolName() {
        try {
            return pool.getName();
        } catch (LibvirtException e) {
            return "?";
        }
    }

    private void deleteQuietly(String volume) {
        try {
            if (List.of(pool.listVolumes()).contains(volume)) {
                pool.storageVolLookupByName(volume).delete(0);
            }
        } catch (LibvirtException e) {
            // left for the next uploader, which deletes parts; a lock left makes waiters name the fix
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted while waiting for another create's upload");
        }
    }
}
