package io.jmachine.drivers.kvm;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A host folder shared into the VM (virtio-fs) and mounted there at {@code guestPath}, so that `docker run -v
 * $PWD:/src` from under it sees the host's files.
 */
public record HostMount(@JsonProperty("HostPath") String hostPath, @JsonProperty("GuestPath") String guestPath,
                        @JsonProperty("ReadOnly") boolean readOnly) {

    /** The --kvm-mount value that shares nothing. */
    static final String NONE = "none";

    /**
     * The mounts of {@code --kvm-mount} values: {@code HOST[:GUEST][:ro]}, repeatable; none given means {@code home}
     * read-write at the same path, and {@code none} means none.
     */
    static List<HostMount> parseAll(List<String> specs, String home) {
        if (specs.isEmpty()) {
            return List.of(new HostMount(home, home, false));
        }
        if (specs.size() == 1 && NONE.equals(specs.get(0).trim())) {
            return List.of();
        }
        List<HostMount> mounts = new ArrayList<>();
        for (String spec : specs) {
            HostMount mount = parse(spec);
            if (mounts.stream().anyMatch(m -> m.guestPath.equals(mount.guestPath))) {
                throw new IllegalArgumentException("--kvm-mount " + spec + ": " + mount.guestPath + " is mounted twice in the VM; give one folder per guest path");
            }
            mounts.add(mount);
        }
        return List.copyOf(mounts);
    }

    static HostMount parse(String spec) {
        if (NONE.equals(spec.trim())) {
            throw new IllegalArgumentException("--kvm-mount none goes alone: it means no host folder at all");
        }
        String rest = spec;
        boolean readOnly = false;
        if (rest.endsWith(":ro") || rest.endsWith(":rw")) {
            readOnly = rest.endsWith(":ro");
            rest = rest.substring(0, rest.length() - 3);
        }
        // a path has no colon here: the first one, if any, separates the host path from the guest path
        int colon = rest.indexOf(':');
        String host = colon < 0 ? rest : rest.substring(0, colon);
        String guest = colon < 0 ? host : rest.substring(colon + 1);
        if (host.isEmpty() || guest.isEmpty()) {
            throw new IllegalArgumentException("--kvm-mount " + spec + " is not HOST_PATH[:GUEST_PATH][:ro] (e.g. /srv/app:/app:ro)");
        }
        if (!guest.startsWith("/")) {
            throw new IllegalArgumentException("--kvm-mount " + spec + ": the guest path " + guest + " must be absolute");
        }
        String hostPath = Path.of(host).toAbsolutePath().normalize().toString();
        return new HostMount(hostPath, Path.of(guest).normalize().toString(), readOnly);
    }

    /** What is wrong with the host side, or null: a source that is missing or not a folder is refused at create. */
    String problem() {
        Path source = Path.of(hostPath);
        if (!Files.exists(source)) {
            return "--kvm-mount: the host folder " + hostPath + " does not exist; create it or give another (or --kvm-mount none)";
        }
        if (!Files.isDirectory(source)) {
            return "--kvm-mount: " + hostPath + " is not a folder; give a folder (or --kvm-mount none)";
        }
        return null;
    }

    /** The virtio-fs tag of the i-th mount, the name the guest mounts it by (short: tags are at most 36 bytes). */
    static String tag(int index) {
        return "jmfs" + index;
    }
}
