package io.jmachine.provisioner.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import io.jmachine.provisioner.store.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A machine's known_hosts file (OpenSSH's format, so that `ssh -o UserKnownHostsFile=` reads it too). A host
 * with a key here must present that key; only a host with none is trusted on first use, and its key is
 * then written here. Hashed and marker (@revoked) lines are left alone.
 */
public final class PinnedHostKeys implements HostKeyRepository {

    private final Path file;
    private final List<HostKey> keys = new ArrayList<>();

    public PinnedHostKeys(Path file) {
        this.file = file;
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    parse(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read known hosts " + file, e);
        }
    }

    private void parse(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 3 || fields[0].startsWith("#") || fields[0].startsWith("@") || fields[0].startsWith("|")) {
            return;
        }
        try {
            byte[] key = Base64.getDecoder().decode(fields[2]);
            for (String name : fields[0].split(",")) {
                keys.add(new HostKey(name, HostKey.GUESS, key));
            }
        } catch (IllegalArgumentException | JSchException e) {
            // a line this parser cannot read pins nothing; OpenSSH's ssh still reads the file as it is
        }
    }

    /** Whether any key is pinned for that name (see {@code SshEndpoint.knownHostsName()}). */
    public boolean knows(String hostName) {
        return keys.stream().anyMatch(k -> k.getHost().equals(hostName));
    }

    @Override
    public int check(String host, byte[] key) {
        boolean known = false;
        for (HostKey pinned : keys) {
            if (pinned.getHost().equals(host)) {
                known = true;
                if (Arrays.equals(Base64.getDecoder().decode(pinned.getKey()), key)) {
                    return OK;
                }
            }
        }
        return known ? CHANGED : NOT_INCLUDED;
    }

    /** JSch calls this for a host it was allowed to trust on first use: the key is pinned from now on. */
    @Override
    public void add(HostKey hostKey, UserInfo ui) {
        keys.add(hostKey);
        StringBuilder text = new StringBuilder();
        try {
            if (Files.exists(file)) {
                text.append(Files.readString(file, StandardCharsets.UTF_8));
                if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
                    text.append('\n');
                }
            }
            text.append(hostKey.getHost()).append(' ').append(hostKey.getType()).append(' ').append(hostKey.getKey()).append('\n');
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8), AtomicFiles.READABLE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pin the host key of " + hostKey.getHost() + " in " + file, e);
        }
    }

    @Override
    public void remove(String host, String type) {
        throw new UnsupportedOperationException("pinned host keys are removed with the machine");
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        throw new UnsupportedOperationException("pinned host keys are removed with the machine");
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return file.toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return keys.toArray(HostKey[]::new);
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return keys.stream().filter(k -> host == null || k.getHost().equals(host))
                .filter(k -> type == null || k.getType().equals(type)).toArray(HostKey[]::new);
    }
}
