package io.jmachine.provisioner.os;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OsReleaseTest {

    @Test
    void parsesQuotedValuesAndFamilies() {
        OsRelease debian = OsRelease.parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
                + "VERSION_ID=\"12\"\nID=debian\n# comment\n\n");
        assertEquals("debian", debian.id());
        assertEquals("12", debian.versionId());
        assertEquals("Debian GNU/Linux 12 (bookworm)", debian.prettyName());
        assertEquals(Optional.of(OsFamily.DEBIAN), OsFamily.of(debian));

        OsRelease ubuntu = OsRelease.parse("ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"");
        assertEquals(Optional.of(OsFamily.DEBIAN), OsFamily.of(ubuntu));
        OsRelease rocky = OsRelease.parse("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID='9.4'");
        assertEquals(List.of("rhel", "centos", "fedora"), rocky.idLike());
        assertEquals("9.4", rocky.versionId());
        assertEquals(Optional.of(OsFamily.FEDORA), OsFamily.of(rocky));
        assertEquals(Optional.of(OsFamily.FEDORA), OsFamily.of(OsRelease.parse("ID=fedora")));
        assertEquals(Optional.empty(), OsFamily.of(OsRelease.parse("ID=alpine")));
        assertEquals("linux", OsRelease.parse("").id());
    }

    @Test
    void packageCommandsPerFamily() {
        assertTrue(OsFamily.DEBIAN.installCommand(List.of("runc", "conmon")).contains("apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends runc conmon"));
        assertEquals("dnf install -y -q runc", OsFamily.FEDORA.installCommand(List.of("runc")));
        String script = OsFamily.DEBIAN.missingPackagesScript();
        assertTrue(script.contains("command -v runc >/dev/null 2>&1 || echo runc"), script);
        assertTrue(script.contains("[ -e /usr/lib/cni/bridge ] || echo containernetworking-plugins"), script);
    }

    @Test
    void theMissingPackagesScriptFindsWhatThisHostHasAndLacks() throws Exception {
        // this test host has the engine's runtime installed (scripts/install-host-packages.sh): nothing is missing
        Process process = new ProcessBuilder("sh", "-c", OsFamily.DEBIAN.missingPackagesScript()).start();
        String missing = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor());
        assertEquals("", missing.strip(), "missing on a host that has the runtime: " + missing);
        Process fedora = new ProcessBuilder("sh", "-c", OsFamily.FEDORA.missingPackagesScript()).start();
        String fedoraMissing = new String(fedora.getInputStream().readAllBytes());
        assertEquals(0, fedora.waitFor());
        assertTrue(fedoraMissing.contains("containernetworking-plugins"), "Fedora's CNI path is not Debian's: " + fedoraMissing);
    }
}
