package io.jmachine.engine.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Debian docker-registry serving on a free loopback port, its storage under a test's folder. */
public final class LoopbackRegistry implements AutoCloseable {

    private final Process process;
    private final String address;

    private LoopbackRegistry(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    /** A registry keeping its data, config and log in {@code root}; {@code htpasswd} non-null turns on basic auth. */
    public static LoopbackRegistry start(Path root, String htpasswd) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(root);
        String auth = "";
        if (htpasswd != null) {
            Files.writeString(root.resolve("htpasswd"), htpasswd);
            auth = "auth:\n  htpasswd:\n    realm: test\n    path: " + root.resolve("htpasswd") + "\n";
        }
        Path config = root.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + root.resolve("data") + "\n"
                + auth + "http:\n  addr: 127.0.0.1:" + port + "\n");
        Process process = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve("log").toFile()).start();
        for (int i = 0; i < 150; i++) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new LoopbackRegistry(process, "127.0.0.1:" + port);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        process.destroy();
        throw new AssertionError("docker-registry did not listen: " + Files.readString(root.resolve("log")));
    }

    /** host:port, as image names carry it. */
    public String address() {
        return address;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
