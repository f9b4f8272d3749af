package io.jmachine.provisioner.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.Progress;
import io.jmachine.provisioner.Machine;
import io.jmachine.provisioner.Machines;
import io.jmachine.provisioner.store.MachineName;
import io.jmachine.provisioner.store.MachineStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * `export` and `import`: a machine moves to another store or host as an archive of its folder (and, on request, its
 * disk as a standalone image). Import rewrites the paths the old store wrote into machine.json and lets the driver make
 * the host known here.
 */
public final class MachineTransfer {

    private final Machines machines;

    public MachineTransfer(Machines machines) {
        this.machines = machines;
    }

    /** Writes the archive to {@code target} (through a temporary file beside it, so that a failed export leaves nothing). */
    public void export(String name, boolean withDisk, Path target, Progress progress) throws IOException {
        Machine machine = machines.load(name);
        Path dir = machines.store().machineDir(name);
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Path disk = withDisk ? target.resolveSibling(target.getFileName() + ".disk.tmp") : null;
        try {
            if (disk != null) {
                Files.deleteIfExists(disk);
                machine.driver().exportDisk(disk, progress);
            }
            progress.report("writing " + target);
            try (OutputStream out = Files.newOutputStream(temp)) {
                MachineArchive.write(dir, disk, out);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
            if (disk != null) {
                Files.deleteIfExists(disk);
            }
        }
    }

    /**
     * Unpacks the archive as machine {@code newName} (null: the name it had), which must not exist here, and lets its
     * driver make the host known (kvm: a libvirt domain). Anything half done is removed when it fails.
     */
    public Machine importArchive(Path archive, String newName, Progress progress) throws IOException {
        MachineStore store = machines.store();
        Path machinesDir = store.location().machines();
        Files.createDirectories(machinesDir);
        // a dot-folder: `ls` does not see it while it fills
        Path staging = machinesDir.resolve(".import-" + UUID.randomUUID());
        Files.createDirectory(staging);
        String name;
        try {
            try (InputStream in = Files.newInputStream(archive)) {
                new ArchiveReader(Files.getFileStore(machinesDir).getUsableSpace()).extract(in, staging);
            }
            ObjectNode config = (ObjectNode) MachineStore.JSON.readTree(staging.resolve(MachineArchive.CONFIG).toFile());
            String oldName = config.path("Name").asText();
            name = MachineName.check(newName != null ? newName : oldName);
            if (store.exists(name)) {
                throw new DriverException("machine " + name + " already exists here; import it under another name (--name NEW) "
                        + "or remove that one first");
            }
            checkDisk(staging.resolve(MachineArchive.DISK));
            rewrite(config, oldName, name, store);
            Files.write(staging.resolve(MachineArchive.CONFIG), MachineStore.JSON.writeValueAsBytes(config));
            Files.move(staging, store.machineDir(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteStaging(staging);
            throw e;
        }
        try {
            Machine machine = machines.load(name);
            machine.driver().imported(progress);
            store.save(machine.config().withDriver(MachineStore.JSON.valueToTree(machine.driver().settings())));
            Machine current = machines.load(name);
            machines.syncContext(current, progress);
            return current;
        } catch (RuntimeException e) {
            store.remove(name);
            throw e;
        }
    }

    /** A disk must be a qcow2 with no backing file: an overlay would need the exporting host's base image. */
    static void checkDisk(Path disk) throws IOException {
        if (!Files.exists(disk)) {
            return;
        }
        byte[] header = new byte[16];
        try (InputStream in = Files.newInputStream(disk)) {
            if (in.readNBytes(header, 0, 16) < 16) {
                throw new ArchiveReader.ArchiveException("the archive's disk is too short to be a qcow2 image");
            }
        }
        if (header[0] != 'Q' || header[1] != 'F' || header[2] != 'I' || header[3] != (byte) 0xfb) {
            throw new ArchiveReader.ArchiveException("the archive's disk is not a qcow2 image");
        }
        long backingOffset = java.nio.ByteBuffer.wrap(header, 8, 8).getLong();
        if (backingOffset != 0) {
            throw new ArchiveReader.ArchiveException("the archive's disk is an overlay that needs a base image of the host it came "
                    + "from; export it again with this jmachine's --disk");
        }
    }

    /** The old store's paths become this store's, the old name the new one (machine.json's Name, the driver's MachineName). */
    private static void rewrite(ObjectNode config, String oldName, String name, MachineStore store) {
        JsonNode auth = config.path("HostOptions").path("AuthOptions");
        String oldDir = auth.path("CertDir").asText("");
        String oldRoot = auth.path("StorePath").asText("");
        Path newDir = store.machineDir(name);
        Path newRoot = store.location().root();
        config.put("Name", name);
        replace(config, oldName, name, oldDir, newDir.toString(), oldRoot, newRoot.toString(), false);
    }

    private static void replace(JsonNode node, String oldName, String name, String oldDir, String newDir, String oldRoot, String newRoot,
                                boolean inDriver) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            boolean driver = inDriver || field.getKey().equals("Driver") && value.isObject();
            if (value.isTextual()) {
                String text = value.asText();
                if (!oldDir.isEmpty() && (text.equals(oldDir) || text.startsWith(oldDir + "/"))) {
                    field.setValue(TextNode.valueOf(newDir + text.substring(oldDir.length())));
                } else if (!oldRoot.isEmpty() && (text.equals(oldRoot) || text.startsWith(oldRoot + "/"))) {
                    field.setValue(TextNode.valueOf(newRoot + text.substring(oldRoot.length())));
                } else if (driver && field.getKey().equals("MachineName") && text.equals(oldName)) {
                    field.setValue(TextNode.valueOf(name));
                }
            } else {
                replace(value, oldName, name, oldDir, newDir, oldRoot, newRoot, driver);
            }
        }
    }

    private static void deleteStaging(Path staging) throws IOException {
        if (!Files.exists(staging)) {
            return;
        }
        try (var files = Files.list(staging)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(staging);
    }
}
