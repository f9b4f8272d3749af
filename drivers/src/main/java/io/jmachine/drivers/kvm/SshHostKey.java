package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The guest's SSH host key, made on the host before the guest exists: cloud-init installs it, and its public half is
 * pinned in the machine's known_hosts, so the first SSH contact is already verified.
 *
 * @param privateKey OpenSSH private key text
 * @param publicKey  the public key line ({@code ssh-ed25519 AAAA… comment})
 */
public record SshHostKey(String type, String privateKey, String publicKey) {

    /** Makes an ed25519 key with ssh-keygen in {@code dir} (kept there: the machine's folder, which only its owner reads). */
    public static SshHostKey generate(Path dir, String comment) {
        Path file = dir.resolve("ssh_host_ed25519_key");
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir.resolve("ssh_host_ed25519_key.pub"));
            String keygen = HostTools.find("ssh-keygen").map(Path::toString)
                    .orElseThrow(() -> new DriverException("ssh-keygen is missing: install openssh-client"));
            HostTools.run(List.of(keygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file.toString()), 30);
            return read(dir);
        } catch (IOException e) {
            throw new DriverException("cannot make the SSH host key in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The key {@link #generate} kept in {@code dir}. */
    public static SshHostKey read(Path dir) throws IOException {
        return new SshHostKey("ed25519", Files.readString(dir.resolve("ssh_host_ed25519_key"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("ssh_host_ed25519_key.pub"), StandardCharsets.UTF_8).strip());
    }

    /** The known_hosts line that pins this key for {@code knownHostsName} (e.g. {@code [127.0.0.1]:40022}). */
    public String knownHostsLine(String knownHostsName) {
        String[] fields = publicKey.split("\\s+");
        return knownHostsName + " " + fields[0] + " " + fields[1] + "\n";
    }
}
