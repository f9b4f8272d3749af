package io.jmachine.engine.network;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Persistent named network namespaces, one per container, made by {@code ip netns}: a namespace is a
 * bind mount at /run/netns/&lt;prefix&gt;&lt;12-char id&gt;, so it outlives the processes in it (and the
 * engine), and runc joins it by path. Everything here tolerates the half-made state a crash leaves.
 */
public final class NetworkNamespaces {

    /** Where {@code ip netns} keeps them; fixed in iproute2. */
    public static final Path NETNS_DIR = Path.of("/run/netns");

    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final String prefix;

    public NetworkNamespaces(String prefix) {
        this.prefix = prefix;
    }

    /** Our namespace's name for a container: the prefix and the ID's first 12 characters, as Docker's short IDs. */
    public String nameFor(String containerId) {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new IllegalArgumentException("invalid container ID " + containerId);
        }
        return prefix + containerId.substring(0, Math.min(12, containerId.length()));
    }

    public Path pathFor(String containerId) {
        return NETNS_DIR.resolve(nameFor(containerId));
    }

    /**
     * Makes a fresh namespace (its lo still down). A leftover of the same name, from a crash, is deleted first:
     * whatever was in it belonged to a run that is over.
     */
    public Path create(String containerId) {
        String name = nameFor(containerId);
        deleteNamed(name);
        HostProcess.Outcome added = HostProcess.run(List.of("ip", "netns", "add", name));
        if (!added.succeeded()) {
            // ip leaves the mount point file behind when the bind mount fails
            deleteNamed(name);
            throw new NetworkException("cannot create network namespace " + name + ": " + added.describe());
        }
        return NETNS_DIR.resolve(name);
    }

    public boolean exists(String containerId) {
        return Files.exists(pathFor(containerId));
    }

    /** Deletes the container's namespace; false if there was none. */
    public boolean delete(String containerId) {
        return deleteNamed(nameFor(containerId));
    }

    /** The names of our namespaces (those with our prefix), e.g. for a sweep after a crash. */
    public List<String> list() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(NETNS_DIR, prefix + "*")) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new NetworkException("cannot list " + NETNS_DIR + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Deletes one of our namespaces by name; false if it did not exist. Works on a bare mount point file
     * too (ip unmounts, ignoring "not mounted", then unlinks). The kernel frees the namespace, and the
     * veth ends inside it, once no process is left in it.
     */
    public boolean deleteNamed(String name) {
        if (!name.startsWith(prefix) || name.contains("/")) {
            throw new IllegalArgumentException("not one of our network namespaces: " + name);
        }
        Path path = NETNS_DIR.resolve(name);
        if (!Files.exists(path)) {
            return false;
        }
        HostProcess.Outcome deleted = HostProcess.run(List.of("ip", "netns", "delete", name));
        if (!deleted.succeeded() && Files.exists(path)) {
            throw new NetworkException("cannot delete network namespace " + name + ": " + deleted.describe()
                    + "; if a mount holds it, unmount " + path + " and delete the file");
        }
        return true;
    }
}
