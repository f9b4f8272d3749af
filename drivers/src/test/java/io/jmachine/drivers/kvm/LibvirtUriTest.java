package io.jmachine.drivers.kvm;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibvirtUriTest {

    @Test
    void theLocalSystemLibvirtSharesThisHostsFilesAndForwardsToLoopback() {
        LibvirtUri uri = new LibvirtUri("qemu:///system");
        assertFalse(uri.remote());
        assertTrue(uri.sharesThisHostsFiles());
        assertEquals("127.0.0.1", uri.defaultForwardAddress());
    }

    @Test
    void aSocketInAVolumeIsLocalButItsQemuSeesOtherFiles() {
        LibvirtUri uri = new LibvirtUri("qemu:///system?socket=/tmp/w/libvirt-run/libvirt-sock");
        assertFalse(uri.remote());
        assertFalse(uri.sharesThisHostsFiles(), "the libvirtd behind that socket may be a container's");
        assertEquals("127.0.0.1", uri.defaultForwardAddress(), "a container on the host network binds this host's loopback");
    }

    @Test
    void aRemoteUriIsReachedAtItsHost() {
        LibvirtUri ssh = new LibvirtUri("qemu+ssh://root@172.17.0.5/system?keyfile=/tmp/w/id_libvirt&no_verify=1");
        assertTrue(ssh.remote());
        assertFalse(ssh.sharesThisHostsFiles());
        assertEquals(Optional.of("172.17.0.5"), ssh.host());
        assertEquals("172.17.0.5", ssh.defaultForwardAddress());
        assertEquals("kvm.example.org", new LibvirtUri("qemu+tls://kvm.example.org/system").defaultForwardAddress());
        assertEquals("fd00::5", new LibvirtUri("qemu+tcp://[fd00::5]:16509/system").defaultForwardAddress());
    }
}
