package io.jmachine.provisioner.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import io.jmachine.provisioner.store.AtomicFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Makes a machine's SSH key pair: ECDSA P-256, the private half in a file only the owner can read. */
public final class SshKeys {

    private SshKeys() {
    }

    /** Writes the private key (PEM, which OpenSSH reads) and the public key line; returns the public key line. */
    public static String generate(Path privateKey, Path publicKey, String comment) throws IOException {
        try {
            KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.ECDSA, 256);
            try {
                ByteArrayOutputStream secret = new ByteArrayOutputStream();
                pair.writePrivateKey(secret);
                AtomicFiles.write(privateKey, secret.toByteArray(), AtomicFiles.OWNER_ONLY);
                ByteArrayOutputStream open = new ByteArrayOutputStream();
                pair.writePublicKey(open, comment);
                String line = open.toString(StandardCharsets.US_ASCII).strip();
                AtomicFiles.write(publicKey, (line + "\n").getBytes(StandardCharsets.US_ASCII), AtomicFiles.READABLE);
                return line;
            } finally {
                pair.dispose();
            }
        } catch (JSchException e) {
            throw new IOException("cannot make an SSH key pair: " + e.getMessage(), e);
        }
    }
}
