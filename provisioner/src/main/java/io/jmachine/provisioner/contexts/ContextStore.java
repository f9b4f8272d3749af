package io.jmachine.provisioner.contexts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jmachine.drivers.FileTrees;
import io.jmachine.provisioner.store.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The docker CLI's context store, laid out as docker CLI 28 writes it (cli/context/store): a context NAME is
 * {@code meta/ID/meta.json} (mode 0644) and its docker endpoint's TLS files {@code tls/ID/docker/{ca,cert,key}.pem}
 * (0600, folders 0700), where ID is the hex SHA-256 of NAME. Each file is replaced atomically; the TLS files go first,
 * so the docker CLI never sees a context without them.
 */
public final class ContextStore {

    /** The endpoint the docker CLI reads a context's engine from. */
    public static final String DOCKER_ENDPOINT = "docker";

    /** A docker endpoint's TLS files, by content. */
    public record TlsFiles(byte[] ca, byte[] cert, byte[] key) {

        public static TlsFiles readFrom(Path dir) throws IOException {
            return new TlsFiles(Files.readAllBytes(dir.resolve("ca.pem")), Files.readAllBytes(dir.resolve("cert.pem")),
                    Files.readAllBytes(dir.resolve("key.pem")));
        }

        public boolean sameAs(TlsFiles other) {
            return other != null && Arrays.equals(ca, other.ca) && Arrays.equals(cert, other.cert) && Arrays.equals(key, other.key);
        }
    }

    private final Path root;

    public ContextStore(Path root) {
        this.root = root;
    }

    /** The folder name docker gives a context: the hex SHA-256 of its name. */
    public static String id(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public Path metaFile(String name) {
        return root.resolve("meta").resolve(id(name)).resolve("meta.json");
    }

    public Path tlsDir(String name) {
        return root.resolve("tls").resolve(id(name)).resolve(DOCKER_ENDPOINT);
    }

    /** The context's meta.json; empty when there is no such context. */
    public Optional<ObjectNode> meta(String name) {
        return DockerJson.read(metaFile(name));
    }

    /** The docker endpoint's TLS files; empty when any of the three is missing. */
    public Optional<TlsFiles> tls(String name) {
        try {
            return Optional.of(TlsFiles.readFrom(tlsDir(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DockerConfigException("cannot read the TLS files of docker context " + name + " in " + tlsDir(name)
                    + ": " + e.getMessage(), e);
        }
    }

    public void write(String name, ObjectNode meta, TlsFiles tls) throws IOException {
        Path tlsDir = tlsDir(name);
        Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createDirectories(tlsDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        AtomicFiles.write(tlsDir.resolve("ca.pem"), tls.ca(), AtomicFiles.OWNER_ONLY);
        AtomicFiles.write(tlsDir.resolve("cert.pem"), tls.cert(), AtomicFiles.OWNER_ONLY);
        AtomicFiles.write(tlsDir.resolve("key.pem"), tls.key(), AtomicFiles.OWNER_ONLY);
        Path metaFile = metaFile(name);
        Files.createDirectories(metaFile.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        AtomicFiles.write(metaFile, DockerJson.compact(meta), AtomicFiles.READABLE);
    }

    /** Removes the context: its meta folder first (docker then no longer lists it), then its TLS files. */
    public void remove(String name) throws IOException {
        FileTrees.delete(metaFile(name).getParent());
        FileTrees.delete(tlsDir(name).getParent());
    }
}
