package io.jmachine.provisioner.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PinnedHostKeysTest {

    @TempDir
    Path dir;

    private static byte[] publicKeyBlob() throws Exception {
        KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pair.writePublicKey(out, "");
        return Base64.getDecoder().decode(out.toString().split(" ")[1]);
    }

    @Test
    void aPinnedKeyMustMatchAndAnotherIsAChange() throws Exception {
        byte[] key = publicKeyBlob();
        byte[] other = publicKeyBlob();
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "# pinned\n[127.0.0.1]:2222 ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(key) + "\n"
                + "|1|hashed|entry ssh-ed25519 AAAA\n");
        PinnedHostKeys pinned = new PinnedHostKeys(file);
        assertTrue(pinned.knows("[127.0.0.1]:2222"));
        assertFalse(pinned.knows("127.0.0.1"), "port 22 is another host entry");
        assertEquals(HostKeyRepository.OK, pinned.check("[127.0.0.1]:2222", key));
        assertEquals(HostKeyRepository.CHANGED, pinned.check("[127.0.0.1]:2222", other));
        assertEquals(HostKeyRepository.NOT_INCLUDED, pinned.check("10.0.0.1", key));
    }

    @Test
    void aKeyTrustedOnFirstUseIsWrittenInOpenSshFormatAndPinnedFromThenOn() throws Exception {
        byte[] key = publicKeyBlob();
        Path file = dir.resolve("known_hosts");
        PinnedHostKeys pinned = new PinnedHostKeys(file);
        pinned.add(new HostKey("[10.0.0.2]:22022", key), null);
        String line = Files.readString(file);
        assertEquals("[10.0.0.2]:22022 ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(key) + "\n", line);
        PinnedHostKeys reread = new PinnedHostKeys(file);
        assertEquals(HostKeyRepository.OK, reread.check("[10.0.0.2]:22022", key));
        assertEquals(HostKeyRepository.CHANGED, reread.check("[10.0.0.2]:22022", publicKeyBlob()));
    }
}
