package io.jmachine.drivers.kvm.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Cloud images given by URL (--kvm-image https://…), downloaded once into the image cache and named by the SHA-256 of
 * their content ({@code sha256-HEX.img}); {@code index.json} maps each URL to the digest it gave, so that a later create
 * takes the cached file without asking the network. A download is written to a temp file and renamed only once complete
 * and verified: an interrupted or wrong download never becomes a cache entry. Cached images back machines' overlays, so
 * they are never rewritten.
 */
public final class ImageDownloads {

    private static final Pattern SHA256 = Pattern.compile("sha256:([0-9a-f]{64})");
    private static final String INDEX = "index.json";
    private static final String PART = ".part";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path folder;
    private final HttpClient http;
    private final Progress progress;
    private final Duration progressInterval;

    public ImageDownloads(Path folder, HttpClient http, Progress progress, Duration progressInterval) {
        this.folder = folder;
        this.http = http;
        this.progress = progress;
        this.progressInterval = progressInterval;
    }

    /** Whether --kvm-image names a URL to download rather than a local file. */
    public static boolean isUrl(String image) {
        return image.startsWith("http://") || image.startsWith("https://");
    }

    /** The hex digest of {@code --kvm-image-checksum sha256:HEX}, or an error that shows the form. */
    public static String parseChecksum(String checksum) {
        var matcher = SHA256.matcher(checksum.strip().toLowerCase(java.util.Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("--kvm-image-checksum " + checksum + " is not sha256: and 64 hex digits "
                    + "(as `sha256sum IMAGE` prints them)");
        }
        return matcher.group(1);
    }

    /**
     * The cached image for {@code url}: from the cache when the URL (or the expected digest) is there, else downloaded.
     *
     * @param expectedSha256 the hex digest the content must have, if the user gave one
     */
    public Path fetch(URI url, Optional<String> expectedSha256) {
        try {
            Files.createDirectories(folder);
            if (expectedSha256.isPresent() && Files.isRegularFile(entry(expectedSha256.get()))) {
                return entry(expectedSha256.get());
            }
            String known = index().get(url.toString());
            if (known != null && Files.isRegularFile(entry(known)) && expectedSha256.map(known::equals).orElse(true)) {
                return entry(known);
            }
            removeAbandonedParts();
            String digest = download(url, expectedSha256);
            Map<String, String> index = index();
            index.put(url.toString(), digest);
            writeIndex(index);
            return entry(digest);
        } catch (IOException e) {
            throw new DriverException("cannot download the image " + url + " into " + folder + ": " + describe(e)
                    + "; check the URL, or download it yourself and pass its path to --kvm-image", e);
        }
    }

    /** Checks a local image against --kvm-image-checksum. */
    public static void verify(Path image, String expectedSha256) {
        try {
            String actual = ImageDigests.compute(image);
            if (!actual.equals(expectedSha256)) {
                throw new DriverException("the image " + image + " has sha256:" + actual + ", not the sha256:" + expectedSha256
                        + " that --kvm-image-checksum expects");
            }
        } catch (IOException e) {
            throw new DriverException("cannot read the image " + image + ": " + e.getMessage(), e);
        }
    }

    Path entry(String sha256) {
        return folder.resolve("sha256-" + sha256 + ".img");
    }

    private String download(URI url, Optional<String> expectedSha256) throws IOException {
        // named by this process: a part left by a killed jmachine is recognised as abandoned and swept
        Path part = folder.resolve(UUID.randomUUID() + "." + ProcessHandle.current().pid() + PART);
        Thread removePart = new Thread(() -> deleteQuietly(part));
        Runtime.getRuntime().addShutdownHook(removePart);
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("the server answered HTTP " + response.statusCode());
                }
                long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                String digest = copy(body, part, new DownloadProgress(progress, url.toString(), total, progressInterval.toNanos()), total);
                if (expectedSha256.isPresent() && !expectedSha256.get().equals(digest)) {
                    throw new DriverException("the image downloaded from " + url + " has sha256:" + digest + ", not the sha256:"
                            + expectedSha256.get() + " that --kvm-image-checksum expects; nothing was cached");
                }
                Files.move(part, entry(digest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return digest;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            deleteQuietly(part);
            try {
                Runtime.getRuntime().removeShutdownHook(removePart);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private static String copy(InputStream body, Path part, DownloadProgress shown, long total) throws IOException {
        MessageDigest sha = sha256();
        long done = 0;
        try (DigestInputStream in = new DigestInputStream(body, sha); OutputStream out = Files.newOutputStream(part)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                done += n;
                shown.update(done);
            }
        }
        shown.finish(done);
        if (total >= 0 && done != total) {
            throw new IOException("the download ended after " + done + " of " + total + " bytes");
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Deletes parts whose jmachine is gone (killed with SIGKILL, where no shutdown hook runs). */
    private void removeAbandonedParts() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(PART)).toList()) {
                String[] parts = file.getFileName().toString().split("\\.");
                boolean alive = parts.length >= 3 && ProcessHandle.of(parseLong(parts[parts.length - 2])).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    deleteQuietly(file);
                }
            }
        }
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Map<String, String> index() throws IOException {
        Path file = folder.resolve(INDEX);
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, String>>() {}));
        } catch (IOException unreadable) {
            // only an index of what was downloaded: losing it costs a download, never a wrong image
            return new TreeMap<>();
        }
    }

    private void writeIndex(Map<String, String> index) throws IOException {
        Path temp = folder.resolve(INDEX + "." + ProcessHandle.current().pid() + ".tmp");
        JSON.writeValue(temp.toFile(), index);
        Files.move(temp, folder.resolve(INDEX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a part left behind is swept by the next download
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
