package io.jmachine.drivers.kvm.image;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.kvm.GuestImage;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Base images kept under the user's cache ($XDG_CACHE_HOME/jmachine, else ~/.cache/jmachine) and reused by every machine.
 * An image's folder is named by a hash of what went into it (recipe, suite, mirror, packages), so a changed recipe
 * builds a new image and never reuses a stale one; a folder appears only once complete (built beside it, then renamed).
 */
public final class ImageCache {

    private final Path root;
    private final Path etcApt;

    public ImageCache(Path root, Path etcApt) {
        this.root = root;
        this.etcApt = etcApt;
    }

    public static ImageCache ofUser() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new ImageCache(base.resolve("jmachine"), Path.of("/etc/apt"));
    }

    public Path root() {
        return root;
    }

    DebianImageRecipe defaultRecipe() {
        try {
            String mirror = AptSources.debianMirror(etcApt).orElseThrow(() -> new DriverException(
                    "no Debian mirror in " + etcApt + "/sources.list.d nor sources.list: the default kvm image is built from the host's "
                            + "Debian mirror; add one, or give a cloud image with --kvm-image"));
            return DebianImageRecipe.bookworm(mirror);
        } catch (IOException e) {
            throw new DriverException("cannot read the apt sources in " + etcApt + ": " + e.getMessage(), e);
        }
    }

    Path folderOf(DebianImageRecipe recipe) {
        return root.resolve("images").resolve("debian-" + recipe.suite() + "-" + key(recipe.fingerprint()));
    }

    /** Cloud images given by URL, downloaded with their progress shown. */
    public ImageDownloads downloads(Progress progress) {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(30)).build();
        return new ImageDownloads(root.resolve("images").resolve("downloads"), http, progress, Duration.ofSeconds(1));
    }

    /** The digests of the images uploaded to libvirt hosts, kept beside the images. */
    public ImageDigests digests() {
        return new ImageDigests(root.resolve("images").resolve("digests"));
    }

    public boolean defaultImageCached() {
        try {
            return Files.isRegularFile(DebianImageBuilder.imageIn(folderOf(defaultRecipe())).disk());
        } catch (DriverException e) {
            return false;
        }
    }

    /** The default image, built first if this user's cache lacks it (minutes; mmdebstrap's output in a log beside it). */
    public GuestImage defaultImage(Progress progress) {
        DebianImageRecipe recipe = defaultRecipe();
        Path folder = folderOf(recipe);
        GuestImage image = DebianImageBuilder.imageIn(folder);
        if (!Files.isRegularFile(image.disk())) {
            new DebianImageBuilder(recipe).build(folder, progress);
        }
        return image;
    }

    static String key(String fingerprint) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

}
