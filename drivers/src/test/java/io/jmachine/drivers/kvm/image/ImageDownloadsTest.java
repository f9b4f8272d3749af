package io.jmachine.drivers.kvm.image;

import com.sun.net.httpserver.HttpServer;
import io.jmachine.drivers.DriverException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --kvm-image URL against a loopback HTTP server: progress, the cache by digest, checksums, and downloads cut short. */
class ImageDownloadsTest {

    @TempDir
    Path dir;

    private final byte[] image = new byte[3 * 1024 * 1024 + 17];
    private final AtomicInteger requests = new AtomicInteger();
    private final io.jmachine.drivers.RecordingProgress progress = new io.jmachine.drivers.RecordingProgress();
    private HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        new Random(5).nextBytes(image);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/cloud.qcow2", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, image.length);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int at = 0; at < image.length; at += 65536) {
                    out.write(image, at, Math.min(65536, image.length - at));
                }
            }
        });
        server.createContext("/cut-short.qcow2", exchange -> {
            requests.incrementAndGet();
            // promises the whole image, sends half, then drops the connection
            exchange.sendResponseHeaders(200, image.length);
            exchange.getResponseBody().write(image, 0, image.length / 2);
            exchange.getResponseBody().flush();
            exchange.close();
        });
        server.createContext("/missing.qcow2", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private ImageDownloads downloads() {
        return new ImageDownloads(dir.resolve("downloads"), HttpClient.newHttpClient(), progress,
                Duration.ZERO);
    }

    private String sha256() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));
    }

    private List<String> cacheFiles() throws IOException {
        if (!Files.isDirectory(dir.resolve("downloads"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.resolve("downloads"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDownloadShowsItsProgressAndIsCachedByDigestSoThatASecondCreateDoesNotDownload() throws Exception {
        Path first = downloads().fetch(url("/cloud.qcow2"), Optional.empty());
        assertArrayEquals(image, Files.readAllBytes(first));
        assertEquals("sha256-" + sha256() + ".img", first.getFileName().toString());
        String shown = progress.text();
        assertTrue(shown.contains("downloading " + url("/cloud.qcow2") + ": 0%"), shown);
        assertTrue(shown.contains(": 100% (3.0 MiB of 3.0 MiB)"), shown);

        Path second = downloads().fetch(url("/cloud.qcow2"), Optional.empty());
        assertEquals(first, second);
        assertEquals(1, requests.get(), "the URL's digest is in the index: no second download");
        assertEquals(first, downloads().fetch(url("/cloud.qcow2"), Optional.of(sha256())));
        assertEquals(1, requests.get());
        assertEquals(List.of("index.json", first.getFileName().toString()), cacheFiles());
    }

    @Test
    void anImageWhoseDigestIsNotTheExpectedOneIsRefusedAndNotCached() throws Exception {
        String wrong = "0".repeat(64);
        DriverException e = assertThrows(DriverException.class, () -> downloads().fetch(url("/cloud.qcow2"), Optional.of(wrong)));
        assertTrue(e.getMessage().contains("has sha256:" + sha256() + ", not the sha256:" + wrong), e.getMessage());
        assertEquals(List.of(), cacheFiles(), "nothing of a wrong image stays");
        assertEquals(sha256(), ImageDownloads.parseChecksum("SHA256:" + sha256().toUpperCase()));
        assertThrows(IllegalArgumentException.class, () -> ImageDownloads.parseChecksum("md5:abc"));
    }

    @Test
    void aDownloadCutShortLeavesNoCacheEntryAndTheNextOneStartsAfresh() throws Exception {
        DriverException e = assertThrows(DriverException.class, () -> downloads().fetch(url("/cut-short.qcow2"), Optional.empty()));
        assertTrue(e.getMessage().contains("cannot download the image " + url("/cut-short.qcow2")), e.getMessage());
        assertEquals(List.of(), cacheFiles());
        DriverException missing = assertThrows(DriverException.class, () -> downloads().fetch(url("/missing.qcow2"), Optional.empty()));
        assertTrue(missing.getMessage().contains("HTTP 404"), missing.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void aPartLeftByAKilledJmachineIsSweptByTheNextDownload() throws Exception {
        Files.createDirectories(dir.resolve("downloads"));
        long deadPid = Long.MAX_VALUE - 1;
        Files.write(dir.resolve("downloads/abandoned." + deadPid + ".part"), new byte[100]);
        Path cached = downloads().fetch(url("/cloud.qcow2"), Optional.empty());
        assertEquals(List.of("index.json", cached.getFileName().toString()), cacheFiles());
    }

    @Test
    void aLocalImageIsCheckedAgainstItsChecksum() throws Exception {
        Path local = dir.resolve("local.img");
        Files.write(local, image);
        ImageDownloads.verify(local, sha256());
        DriverException e = assertThrows(DriverException.class, () -> ImageDownloads.verify(local, "1".repeat(64)));
        assertTrue(e.getMessage().contains(local.toString()), e.getMessage());
    }
}
