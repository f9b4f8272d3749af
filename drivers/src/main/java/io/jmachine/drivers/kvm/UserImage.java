package io.jmachine.drivers.kvm;

import io.jmachine.drivers.PreCreateCheckException;
import io.jmachine.drivers.Progress;
import io.jmachine.drivers.kvm.image.ImageCache;
import io.jmachine.drivers.kvm.image.ImageDownloads;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cloud image of --kvm-image (a path, or an http(s) URL) and its optional --kvm-image-checksum.
 *
 * @param image    an absolute path or a URL
 * @param checksum {@code sha256:HEX}, or null
 */
record UserImage(String image, String checksum) {

    /** Refuses bad flags before anything is made or downloaded. */
    static void check(String image, String checksum) {
        if (checksum != null) {
            if (image == null) {
                throw new PreCreateCheckException("--kvm-image-checksum checks the image of --kvm-image; give that too");
            }
            try {
                ImageDownloads.parseChecksum(checksum);
            } catch (IllegalArgumentException e) {
                throw new PreCreateCheckException(e.getMessage());
            }
        }
        if (image == null) {
            return;
        }
        if (ImageDownloads.isUrl(image)) {
            try {
                URI.create(image);
            } catch (IllegalArgumentException e) {
                throw new PreCreateCheckException("--kvm-image " + image + " is not a valid URL: " + e.getMessage());
            }
        } else if (!Files.isReadable(Path.of(image))) {
            throw new PreCreateCheckException("--kvm-image " + image + " does not exist or cannot be read; give a qcow2 or "
                    + "raw cloud image, or its http(s) URL");
        }
    }

    /** The image file: a URL's from the image cache (downloaded the first time), checked against the checksum. */
    Path file(ImageCache images, Progress progress) {
        Optional<String> sha256 = Optional.ofNullable(checksum).map(ImageDownloads::parseChecksum);
        if (ImageDownloads.isUrl(image)) {
            return images.downloads(progress).fetch(URI.create(image), sha256);
        }
        Path local = Path.of(image);
        sha256.ifPresent(expected -> ImageDownloads.verify(local, expected));
        return local;
    }
}
