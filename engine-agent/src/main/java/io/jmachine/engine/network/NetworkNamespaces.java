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
 * Persistent named network namespaces, one per container, made as {@code ip netns} makes them: a namespace is a
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
     * Makes a fresh namespace, its lo up. A leftover of the same name, from a crash, is deleted first:
     * whatever was in it belonged to a run that is over.
     */
    public Path create(String containerId) {
        String name = nameFor(containerId);
        deleteNamed(name);
        Path path = NETNS_DIR.resolve(name);
        try {
            NamespaceSyscalls.shareFolder(NETNS_DIR);
            Files.createFile(path);
            NamespaceSyscalls.createAt(path);
        } catch (IOException e) {
            NetworkException failure = new NetworkException("cannot create network namespace " + name + ": " + e.getMessage(), e);
            // as ip, which leaves no mount point file behind when the bind mount fails
            try {
                deleteNamed(name);
            } catch (NetworkException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        return path;
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
     * too (unmounted, "not mounted" ignored, then unlinked, as ip does). The kernel frees the namespace, and the
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
        try {
            NamespaceSyscalls.unmount(path);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new NetworkException("cannot delete network namespace " + name + ": " + e.getMessage()
                    + "; if a mount holds it, unmount " + path + " and delete the file", e);
        }
        return true;
    }
}
