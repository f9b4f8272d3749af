package io.jmachine.drivers.kvm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolumeNamesTest {

    private static final String SHA = "05881A65E47F4AEE0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void aSharedImageIsNamedByItsDigestAndItsUploadByAnotherName() {
        String shared = VolumeNames.shared(SHA);
        assertEquals("jmachine-image-05881a65e47f4aee01234567", shared);
        String part = VolumeNames.part(shared, "1a2b3c4d");
        assertTrue(VolumeNames.isPartOf(shared, part));
        assertFalse(VolumeNames.isPartOf(shared, shared), "a complete image is never taken for an upload to sweep");
        assertFalse(VolumeNames.isPartOf(shared, VolumeNames.lock(shared)), "nor is the lock of a live upload");
        assertFalse(VolumeNames.isPartOf(VolumeNames.shared(SHA.replace('0', 'f')), part), "nor another image's upload");
        assertThrows(IllegalArgumentException.class, () -> VolumeNames.shared("abc"));
    }

    @Test
    void rmDeletesTheMachinesVolumesAndNeverASharedImage() {
        List<String> owned = VolumeNames.ofMachine("dev1");
        assertEquals(List.of("jmachine-dev1-disk.qcow2", "jmachine-dev1-seed.iso", "jmachine-dev1-bundle.img"), owned);
        String shared = VolumeNames.shared(SHA);
        assertFalse(owned.contains(shared));
        // a machine named like a shared image still owns only its own names
        assertFalse(VolumeNames.ofMachine(shared.substring("jmachine-".length())).contains(shared));
    }

    @Test
    void theFormatAndSizeOfAnUploadAreReadFromTheVolumesXml() {
        String xml = """
                <volume type='file'>
                  <name>x</name>
                  <capacity unit='bytes'>1073741824</capacity>
                  <allocation unit='bytes'>52756480</allocation>
                  <physical unit='bytes'>52756480</physical>
                  <target>
                    <path>/var/lib/libvirt/images/x</path>
                    <format type='qcow2'/>
                  </target>
                </volume>""";
        assertEquals(java.util.Optional.of("qcow2"), LibvirtStorage.format(xml));
        assertEquals(java.util.Optional.of(52756480L), LibvirtStorage.physical(xml));
        assertEquals(java.util.Optional.empty(), LibvirtStorage.physical("<volume/>"));
    }

    @Test
    void aMissingPoolIsMadeInLibvirtsImagesFolder() {
        assertEquals("/var/lib/libvirt/images", LibvirtStorage.folderOf("default"));
        assertEquals("/var/lib/libvirt/images/fast", LibvirtStorage.folderOf("fast"));
    }
}
