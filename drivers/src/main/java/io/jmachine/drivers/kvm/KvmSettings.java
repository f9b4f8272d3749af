package io.jmachine.drivers.kvm;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;
import java.util.List;

/**
 * machine.json's "Driver" object.
 *
 * @param accelInUse the accelerator create picked (null before create)
 * @param image      --kvm-image: an absolute path or an http(s) URL; null for the default Debian image
 * @param imageChecksum --kvm-image-checksum {@code sha256:HEX}, or null
 * @param sshPort    the host port forwarded to the guest's SSH port
 * @param enginePort the host port forwarded to the guest's engine port (user-mode networking)
 * @param macAddress the MAC of the VM's NIC on a libvirt network (null with user-mode networking): its DHCP lease is found by it
 * @param ipAddress  the VM's address on a libvirt network as last read from its lease (null before create and with user-mode networking)
 * @param storagePool the libvirt storage pool holding the machine's volumes (null: a machine made before disks were
 *                    volumes, or an imported one, whose files are in its folder)
 * @param forwardAddress --kvm-forward-address: where the user-mode forwards (SSH, engine, containers' published ports) are
 *                    bound and reached: 127.0.0.1 for a local libvirt, the libvirt host's address for a remote one
 * @param mounts     --kvm-mount: host folders mounted in the VM (null in machines made before there were any)
 */
public record KvmSettings(@JsonProperty("MachineName") String machineName,
                          @JsonProperty("UUID") String uuid,
                          @JsonProperty("Memory") int memory,
                          @JsonProperty("CPU") int cpu,
                          @JsonProperty("DiskSize") int diskSize,
                          @JsonProperty("ConnectionURI") String connectionUri,
                          @JsonProperty("Accel") String accel,
                          @JsonProperty("AccelInUse") String accelInUse,
                          @JsonProperty("Network") String network,
                          @JsonProperty("PortForwards") List<PortForward> portForwards,
                          @JsonProperty("Image") String image,
                          @JsonProperty("ImageChecksum") String imageChecksum,
                          @JsonProperty("SSHUser") String sshUser,
                          @JsonProperty("SSHPort") int sshPort,
                          @JsonProperty("EnginePort") int enginePort,
                          @JsonProperty("SSHKeyPath") String sshKeyPath,
                          @JsonProperty("StorePath") String storePath,
                          @JsonProperty("MACAddress") String macAddress,
                          @JsonProperty("IPAddress") String ipAddress,
                          @JsonProperty("StoragePool") String storagePool,
                          @JsonProperty("ForwardAddress") String forwardAddress,
                          @JsonProperty("Mounts") List<HostMount> mounts) {

    public KvmSettings {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        forwardAddress = forwardAddress == null ? "127.0.0.1" : forwardAddress;
    }

    KvmSettings withAccelInUse(Accel accel) {
        return new KvmSettings(machineName, uuid, memory, cpu, diskSize, connectionUri, this.accel, accel.name(), network,
                portForwards, image, imageChecksum, sshUser, sshPort, enginePort, sshKeyPath, storePath, macAddress, ipAddress,
                storagePool, forwardAddress, mounts);
    }

    /**
     * The same machine under another name and domain UUID (an import), its files under {@code machineDir}: its disk is the
     * archive's standalone qcow2 there, not a volume of a pool.
     */
    KvmSettings imported(String name, String newUuid, Path machineDir, Path storeRoot) {
        return new KvmSettings(name, newUuid, memory, cpu, diskSize, connectionUri, accel, accelInUse, network, portForwards, image,
                imageChecksum, sshUser, sshPort, enginePort, machineDir.resolve("id_machine").toString(), storeRoot.toString(),
                macAddress, ipAddress, null, forwardAddress, mounts);
    }

    KvmSettings withIpAddress(String ip) {
        return new KvmSettings(machineName, uuid, memory, cpu, diskSize, connectionUri, accel, accelInUse, network,
                portForwards, image, imageChecksum, sshUser, sshPort, enginePort, sshKeyPath, storePath, macAddress, ip,
                storagePool, forwardAddress, mounts);
    }

    /** QEMU's user-mode networking with ports forwarded to 127.0.0.1, rather than a libvirt network. */
    boolean userModeNetwork() {
        return KvmDriver.USER_NETWORK.equals(network);
    }

    /** Where the user-mode forwards are reached from this host. */
    String reachedAt() {
        return forwardAddress;
    }
}
