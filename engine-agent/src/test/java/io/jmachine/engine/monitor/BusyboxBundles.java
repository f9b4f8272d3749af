package io.jmachine.engine.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a busybox root filesystem (the host's static /bin/busybox and a symlink per applet),
 * and OCI bundles on it made by {@code runc spec} with their args and terminal set.
 */
final class BusyboxBundles {

    static final Path CONMON = Path.of("/usr/bin/conmon");
    static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path rootfs;

    BusyboxBundles(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.rootfs = dir.resolve("rootfs");
        Path bin = rootfs.resolve("bin");
        Files.createDirectories(bin);
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : run(List.of("/bin/busybox", "--list")).lines().toList()) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
    }

    /** A new bundle running {@code args}, with or without a TTY, on the shared read-only rootfs. */
    Path bundle(boolean terminal, String... args) throws IOException, InterruptedException {
        return bundleIn(dir.resolve("bundles"), terminal, args);
    }

    /** A new bundle in a folder of {@code parent}, e.g. one too deep for a unix socket path. */
    Path bundleIn(Path parent, boolean terminal, String... args) throws IOException, InterruptedException {
        Path bundle = parent.resolve(UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(bundle);
        run(List.of(RUNC.toString(), "spec", "--bundle", bundle.toString()));
        Path config = bundle.resolve("config.json");
        ObjectNode spec = (ObjectNode) JSON.readTree(config.toFile());
        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", terminal);
        ArrayNode argv = process.putArray("args");
        for (String arg : args) {
            argv.add(arg);
        }
        ObjectNode root = (ObjectNode) spec.get("root");
        root.put("path", rootfs.toString());
        root.put("readonly", true);
        JSON.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), spec);
        return bundle;
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
