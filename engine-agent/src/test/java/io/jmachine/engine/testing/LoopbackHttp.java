package io.jmachine.engine.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Published ports as a client on this host sees them: a page fetched on 127.0.0.1, a port that listens or not. */
public final class LoopbackHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private LoopbackHttp() {
    }

    /** The body of {@code http://127.0.0.1:port/path}, waiting up to {@code timeout} for a server to answer 200. */
    public static String get(int port, String path, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        do {
            try {
                HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("127.0.0.1:" + port + path + " did not serve within " + timeout.toSeconds() + " s: " + last);
    }

    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port nothing on 127.0.0.1 holds right now. */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
