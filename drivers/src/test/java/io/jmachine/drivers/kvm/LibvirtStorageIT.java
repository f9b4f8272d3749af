package io.jmachine.drivers.kvm;

import io.jmachine.drivers.Progress;
import io.jmachine.drivers.RecordingProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.StoragePool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kvm driver's volumes against the real libvirtd at qemu:///system (no VM is started): a pool of its own in a
 * temporary folder, made by the driver; a shared image uploaded once even by two creates at once; a machine's overlay,
 * seed and bundle; and rm, which deletes the machine's volumes only. Skipped where libvirtd does not answer.
 */
class LibvirtStorageIT {

    private static final String URI = "qemu:///system";
    private static final String POOL = "jmit-pool-" + ProcessHandle.current().pid();

    @TempDir
    static Path dir;

    private static LibvirtDomains calls;

    @BeforeAll
    static void libvirtAnswers() {
        calls = new LibvirtDomains(URI);
        try {
            calls.check();
        } catch (RuntimeException e) {
            assumeTrue(false, "libvirtd does not answer at " + URI + ": " + e.getMessage());
        }
    }

    @AfterAll
    static void removeThePool() throws Exception {
        if (calls == null) {
            return;
        }
        Connect connect = new Connect(URI);
        try {
            if (List.of(connect.listStoragePools()).contains(POOL)) {
                StoragePool pool = connect.storagePoolLookupByName(POOL);
                for (String volume : pool.listVolumes()) {
                    pool.storageVolLookupByName(volume).delete(0);
                }
                pool.destroy();
                pool.undefine();
            }
        } finally {
            connect.close();
        }
    }

    /** A pool in the test's folder, made as the driver makes a missing one, but not under /var/lib/libvirt/images. */
    private static LibvirtStorage storage() throws Exception {
        Connect connect = new Connect(URI);
        try {
            if (!List.of(connect.listStoragePools()).contains(POOL) && !List.of(connect.listDefinedStoragePools()).contains(POOL)) {
                Files.createDirectories(dir.resolve("pool"));
                connect.storagePoolDefineXML("<pool type='dir'><name>" + POOL + "</name><target><path>" + dir.resolve("pool")
                        + "</path></target></pool>", 0);
            }
        } finally {
            connect.close();
        }
        LibvirtStorage storage = new LibvirtStorage(calls, URI, POOL);
        storage.ensurePool(Progress.silent()); // starts the defined, inactive pool
        return storage;
    }

    private static Path randomFile(String name, int bytes) throws Exception {
        byte[] content = new byte[bytes];
        new Random(bytes).nextBytes(content);
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void aSharedImageIsUploadedOnceEvenByTwoCreatesAtOnceAndRmLeavesIt() throws Exception {
        LibvirtStorage storage = storage();
        Path base = randomFile("base.img", 3 * 1024 * 1024 + 123);
        String sha = io.jmachine.drivers.kvm.image.ImageDigests.compute(base);
        List<RecordingProgress> progresses = new ArrayList<>(List.of(new RecordingProgress(), new RecordingProgress()));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> storage.shared(base, sha, "raw", "the base", progresses.get(0)));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> storage.shared(base, sha, "raw", "the base", progresses.get(1)));
        String path = first.join();
        assertEquals(path, second.join());
        long uploads = progresses.stream().flatMap(p -> p.reports().stream()).filter(line -> line.startsWith("uploaded the base")).count();
        assertEquals(1, uploads, "uploaded once: " + progresses.get(0).reports() + progresses.get(1).reports());
        assertArrayEquals(Files.readAllBytes(base), Files.readAllBytes(Path.of(path)), "the volume holds the file's bytes");
        assertEquals(dir.resolve("pool").resolve(VolumeNames.shared(sha)).toString(), path);

        RecordingProgress again = new RecordingProgress();
        assertEquals(path, storage.shared(base, sha, "raw", "the base", again));
        assertTrue(again.reports().isEmpty(), "a second create reuses it: " + again.reports());
        List<String> all = storage.present(List.of(VolumeNames.lock(VolumeNames.shared(sha))));
        assertTrue(all.isEmpty(), "no lock is left");
        try (var files = Files.list(dir.resolve("pool"))) {
            assertEquals(List.of(VolumeNames.shared(sha)), files.map(f -> f.getFileName().toString()).toList(), "no part is left");
        }

        Path seed = randomFile("seed.iso", 4096 * 3);
        Path bundle = randomFile("bundle.tar.gz", 1000);
        MachineVolumes volumes = MachineVolumes.make("vm1", GuestImage.bootsItself(Path.of(path)), "raw", 64, seed, bundle, storage,
                LibvirtStorage.LIBVIRT_DEFAULT, Progress.silent());
        assertEquals(VolumeNames.ofMachine("vm1"), storage.present(VolumeNames.ofMachine("vm1")));
        assertEquals(1024, Files.size(Path.of(volumes.bundle())), "the bundle is padded to whole sectors");
        String overlay = new String(Files.readAllBytes(Path.of(volumes.disk())), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(overlay.startsWith("QFI\u00fb") && overlay.contains(path), "a qcow2 overlay backed by the shared image");

        storage.deleteMachineVolumes("vm1");
        assertEquals(List.of(), storage.present(VolumeNames.ofMachine("vm1")));
        assertTrue(Files.exists(Path.of(path)), "rm never deletes a shared image");
        assertFalse(Files.exists(Path.of(volumes.disk())));
    }
}
