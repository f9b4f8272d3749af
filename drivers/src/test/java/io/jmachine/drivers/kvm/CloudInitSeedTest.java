package io.jmachine.drivers.kvm;

import io.jmachine.templates.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloudInitSeedTest {

    @TempDir
    Path dir;

    private final Templates templates = new Templates();

    @Test
    void userDataCarriesTheUserKeyAndThePinnedHostKey() {
        SshHostKey hostKey = SshHostKey.generate(dir, "jmachine-vm1");
        CloudInitSeed seed = new CloudInitSeed("vm1", "id-1", "docker", "ssh-ed25519 AAAAuser jm\n", hostKey, null, null, false);
        String userData = seed.userData(templates);
        assertTrue(userData.startsWith("#cloud-config\n"), userData);
        assertTrue(userData.contains("hostname: vm1"), userData);
        assertTrue(userData.contains("- name: docker"), userData);
        assertTrue(userData.contains("      - ssh-ed25519 AAAAuser jm\n"), userData);
        assertTrue(userData.contains("ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n"), userData);
        assertTrue(userData.contains("ed25519_public: " + hostKey.publicKey()), userData);
        assertTrue(hostKey.publicKey().startsWith("ssh-ed25519 "));
        String meta = seed.metaData(templates);
        assertTrue(meta.contains("instance-id: id-1") && meta.contains("local-hostname: vm1"), meta);
    }

    @Test
    void aBootScriptRunsAsABootcmdBlockThatKeepsItsLines() throws Exception {
        SshHostKey hostKey = SshHostKey.generate(dir, "jmachine-vm1");
        String script = "set -e\nprintf '%s' 'abc' > '/etc/x'\nexit 0";
        String userData = new CloudInitSeed("vm1", "id-1", "docker", "ssh-ed25519 AAAAuser jm", hostKey, script, null, true).userData(templates);
        assertTrue(userData.contains("bootcmd:\n  - |\n    set -e\n    printf '%s' 'abc' > '/etc/x'\n    exit 0\n"), userData);
        // cloud-init reads it as YAML: the block is one string with the script's lines
        assertTrue(userData.endsWith("    exit 0\n"), userData);
    }

    @Test
    void jmachinesOwnImageStopsAfterTheInitStageAndStillTurnsPasswordLoginsOff() {
        SshHostKey hostKey = SshHostKey.generate(dir, "jmachine-vm1");
        String own = new CloudInitSeed("vm1", "id-1", "docker", "ssh-ed25519 AAAAuser jm", hostKey, null, null, true).userData(templates);
        assertTrue(own.contains("cloud_config_modules: []\ncloud_final_modules: []\n"), own);
        assertTrue(own.contains("  - path: /etc/ssh/sshd_config.d/50-jmachine.conf\n    content: |\n      PasswordAuthentication no\n"), own);
        String vendor = new CloudInitSeed("vm1", "id-1", "docker", "ssh-ed25519 AAAAuser jm", hostKey, null, null, false).userData(templates);
        assertTrue(vendor.contains("ssh_pwauth: false") && !vendor.contains("cloud_config_modules"), vendor);
    }

    @Test
    void knownHostsPinsTheKeyForTheForwardedPort() {
        SshHostKey hostKey = SshHostKey.generate(dir, "c");
        String line = hostKey.knownHostsLine("[127.0.0.1]:40022");
        assertEquals("[127.0.0.1]:40022 " + hostKey.publicKey().split(" ")[0] + " " + hostKey.publicKey().split(" ")[1] + "\n", line);
    }

    @Test
    void theIsoIsLabelledCidataAndHoldsBothFiles() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(CloudInitSeed.isoTool().isPresent(), "no ISO tool on this host");
        SshHostKey hostKey = SshHostKey.generate(dir, "c");
        Path iso = dir.resolve("seed.iso");
        new CloudInitSeed("vm1", "id-1", "docker", "ssh-ed25519 AAAAuser jm", hostKey, null, null, false).writeIso(templates, iso);
        byte[] bytes = Files.readAllBytes(iso);
        // ISO 9660 primary volume descriptor at 32 KiB: the volume id at offset 40
        assertEquals("cidata", new String(bytes, 32768 + 40, 6, java.nio.charset.StandardCharsets.US_ASCII).toLowerCase());
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("#cloud-config") && text.contains("local-hostname: vm1"));
    }
}
