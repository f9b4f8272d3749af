package io.jmachine.engine.testing;

import io.jmachine.drivers.kvm.image.AptSources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Debian rootfs tarball as users make base images offline: {@code mmdebstrap --variant=minbase bookworm
 * out.tar MIRROR}, from the mirror the host's apt uses. Made once and kept under the user's cache
 * ({@code $XDG_CACHE_HOME/jmachine/test}, else {@code ~/.cache/jmachine/test}), named by a hash of what went into it.
 */
public final class DebianRootfsTar {

    private static final String SUITE = "bookworm";
    private static final String VARIANT = "minbase";
    private static final long TIMEOUT_MINUTES = 10;

    private DebianRootfsTar() {
    }

    public static synchronized Path bookwormMinbase() throws IOException, InterruptedException {
        String mirror = AptSources.debianMirror(Path.of("/etc/apt")).orElseThrow(() -> new IOException(
                "no Debian mirror in /etc/apt/sources.list.d nor /etc/apt/sources.list: the test rootfs comes from the host's mirror"));
        String version = HostCommands.output("mmdebstrap", "--version").strip();
        List<String> command = List.of("mmdebstrap", "--variant=" + VARIANT, "--quiet", SUITE);
        Path cache = cacheDir().resolve("debian-" + SUITE + "-" + VARIANT + "-" + hash(version + "\n" + command + "\n" + mirror) + ".tar");
        if (Files.isRegularFile(cache)) {
            return cache;
        }
        Files.createDirectories(cache.getParent());
        Path partial = cache.resolveSibling(cache.getFileName() + ".partial-" + ProcessHandle.current().pid());
        List<String> full = new java.util.ArrayList<>(command);
        full.addAll(List.of(partial.toString(), mirror));
        // mmdebstrap picks the output format by the name's ending: make it a tar whatever the partial name
        full.add(1, "--format=tar");
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            Files.deleteIfExists(partial);
            throw new IOException(String.join(" ", full) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE);
        return cache;
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jmachine/test");
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
