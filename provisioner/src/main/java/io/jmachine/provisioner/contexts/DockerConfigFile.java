package io.jmachine.provisioner.contexts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.provisioner.store.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The docker CLI's config.json, as far as jmachine touches it: {@code currentContext}. A change rewrites the file
 * atomically (temp file and rename, through a symlink as the docker CLI does) with every other key kept, under the
 * {@link DockerConfigLock}; a file that cannot be parsed is never rewritten.
 */
public final class DockerConfigFile {

    static final String CURRENT_CONTEXT = "currentContext";

    private final DockerConfigDir docker;

    public DockerConfigFile(DockerConfigDir docker) {
        this.docker = docker;
    }

    public Path path() {
        return docker.configFile();
    }

    /** The current context as config.json names it; empty for docker's default. */
    public Optional<String> currentContext() {
        return DockerJson.read(path()).map(config -> config.path(CURRENT_CONTEXT).asText("")).filter(name -> !name.isEmpty());
    }

    /**
     * Makes {@code name} the current context, or with null goes back to docker's default (as `docker context use
     * default`, the key then goes). Writes nothing when the value is already so.
     *
     * @return whether config.json changed
     */
    public boolean setCurrentContext(String name) {
        return update(config -> setCurrent(config, name));
    }

    /** Goes back to docker's default only while {@code expected} is the current context (when its context goes away). */
    public boolean resetCurrentContextIf(String expected) {
        return update(config -> config.path(CURRENT_CONTEXT).asText("").equals(expected) && setCurrent(config, null));
    }

    private static boolean setCurrent(ObjectNode config, String name) {
        if (config.path(CURRENT_CONTEXT).asText("").equals(name == null ? "" : name)) {
            return false;
        }
        if (name == null) {
            config.remove(CURRENT_CONTEXT);
        } else {
            config.put(CURRENT_CONTEXT, name);
        }
        return true;
    }

    /**
     * Reads config.json, lets {@code change} change it in place, and writes it back when {@code change} says it
     * changed it: read and write under the lock, so that no other jmachine's change in between is lost.
     */
    boolean update(Predicate<ObjectNode> change) {
        try (DockerConfigLock lock = DockerConfigLock.acquire(docker.lockFile())) {
            Optional<ObjectNode> read = DockerJson.read(path());
            ObjectNode config = read.orElseGet(DockerJson.JSON::createObjectNode);
            if (!change.test(config)) {
                return false;
            }
            write(config, read.isPresent());
            return true;
        }
    }

    /** Checks that config.json can be read (so that a change that needs it fails before anything else changed). */
    void checkReadable() {
        DockerJson.read(path());
    }

    private void write(JsonNode config, boolean existed) {
        Path target = resolveSymlink(path());
        try {
            PosixFileAttributes before = existed && Files.exists(target)
                    ? Files.readAttributes(target, PosixFileAttributes.class) : null;
            // as the docker CLI: a new config.json is the owner's alone, an existing one keeps its mode and owner
            Set<PosixFilePermission> mode = before != null ? before.permissions() : AtomicFiles.OWNER_ONLY;
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, DockerJson.indented(config), mode);
            if (before != null) {
                keepOwner(target, before);
            }
        } catch (IOException e) {
            throw new DockerConfigException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void keepOwner(Path target, PosixFileAttributes before) {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        try {
            PosixFileAttributes now = view.readAttributes();
            GroupPrincipal group = before.group();
            if (!now.owner().equals(before.owner())) {
                view.setOwner(before.owner());
            }
            if (!now.group().equals(group)) {
                view.setGroup(group);
            }
        } catch (IOException e) {
            // only root can give a file away; the file is then the writer's, as the docker CLI leaves it
        }
    }

    /** A config.json that is a symlink (dotfiles kept elsewhere) is changed where it points, even when that is missing. */
    private static Path resolveSymlink(Path file) {
        Path current = file;
        for (int hops = 0; hops < 40 && Files.isSymbolicLink(current); hops++) {
            try {
                current = current.resolveSibling(Files.readSymbolicLink(current)).normalize();
            } catch (IOException e) {
                return current;
            }
        }
        return current;
    }
}
