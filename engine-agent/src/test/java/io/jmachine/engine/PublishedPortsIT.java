package io.jmachine.engine;

import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.config.EngineConfig;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Published ports of a real in-process engine, driven by the docker CLI and reached with curl on 127.0.0.1:
 * the engine has its own roots, socket, bridge and subnet, and busybox httpd serves in the containers.
 */
class PublishedPortsIT {

    private static final String IMAGE = "localhost/ports-it/busybox:1";
    private static final String SERVE = "mkdir -p /www && echo \"served by $(hostname)\" > /www/index.html && exec httpd -f -p 80 -h /www";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path dir;

    private static EngineConfig config;
    private static Engine engine;
    private static DockerCli docker;
    private static String bridge;
    private static String bip;

    @BeforeAll
    static void startEngine() throws Exception {
        bridge = "jmt" + HexFormat.of().formatHex(RANDOM.generateSeed(3));
        config = ConfigLoader.load(Map.of("hosts", List.of("unix://" + dir.resolve("engine.sock")),
                "data-root", dir.resolve("data").toString(), "exec-root", dir.resolve("exec").toString(),
                "bridge", bridge, "bip", bip = freeSubnet()), null);
        engine = Engine.start(config);
        docker = DockerCli.unix(dir.resolve("engine.sock"));
        Path image = dir.resolve("image");
        Path root = BusyboxRootfs.create(image.resolve("root"));
        compileUdpEcho(root.resolve("bin/udp-echo"));
        tar(root, image.resolve("busybox.tar"));
        ok(docker.run("import", image.resolve("busybox.tar").toString(), IMAGE));
    }

    @AfterAll
    static void stopEngine() throws Exception {
        if (engine != null) {
            for (String id : docker.run("ps", "-aq").out().split("\\s+")) {
                if (!id.isBlank()) {
                    docker.run("rm", "-f", id);
                }
            }
            engine.close();
        }
        new ProcessBuilder("ip", "link", "del", bridge).start().waitFor();
        io.jmachine.engine.network.SubnetMasquerade.remove(bridge, io.jmachine.engine.network.Ipv4Subnet.parse(bip));
    }

    @Test
    void aPortOnLoopbackServesAndPortPsAndInspectShowIt() throws Exception {
        int port = freePort();
        ok(docker.run("run", "-d", "--name", "web1", "--expose", "81", "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c", SERVE));
        assertTrue(get(port).startsWith("served by "));
        assertEquals("80/tcp -> 127.0.0.1:" + port, ok(docker.run("port", "web1")).trim());
        // the CLI orders the list itself
        assertEquals(List.of("127.0.0.1:" + port + "->80/tcp", "81/tcp"), List.of(ok(docker.run("ps", "--filter", "name=web1",
                "--format", "{{.Ports}}")).trim().split(", ")).stream().sorted().toList());
        assertEquals("{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"" + port + "\"}],\"81/tcp\":null}",
                ok(docker.run("inspect", "-f", "{{json .NetworkSettings.Ports}}", "web1")).trim());
        ok(docker.run("rm", "-f", "web1"));
        assertFalse(listening(port), "no listener left after rm");
    }

    @Test
    void onlyAContainerPortGetsAFreeHostPortOnEveryAddress() throws Exception {
        ok(docker.run("run", "-d", "--name", "web2", "-p", "80", IMAGE, "sh", "-c", SERVE));
        String mapping = ok(docker.run("port", "web2", "80/tcp")).trim();
        assertTrue(mapping.startsWith("0.0.0.0:"), mapping);
        int port = Integer.parseInt(mapping.substring("0.0.0.0:".length()));
        assertTrue(get(port).startsWith("served by "));
        ok(docker.run("rm", "-f", "web2"));
        assertFalse(listening(port));
    }

    @Test
    void publishAllPublishesTheExposedPorts() throws Exception {
        ok(docker.run("run", "-d", "--name", "web3", "--expose", "80", "-P", IMAGE, "sh", "-c", SERVE));
        String mapping = ok(docker.run("port", "web3")).trim();
        assertTrue(mapping.matches("80/tcp -> 0\\.0\\.0\\.0:\\d+"), mapping);
        int port = Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
        assertTrue(get(port).startsWith("served by "));
        ok(docker.run("rm", "-f", "web3"));
    }

    @Test
    void aTakenPortIsRefusedBeforeTheContainerStarts() throws Exception {
        int port = freePort();
        ok(docker.run("run", "-d", "--name", "holder", "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c", SERVE));
        DockerCli.Result clash = docker.run("run", "-d", "--name", "clash", "-p", port + ":80", IMAGE, "sleep", "60");
        assertNotEquals(0, clash.exitCode());
        assertTrue(clash.err().contains("port is already allocated"), clash.err());
        assertEquals("created", ok(docker.run("inspect", "-f", "{{.State.Status}}", "clash")).trim());
        assertTrue(get(port).startsWith("served by "), "the holder keeps serving");

        try (ServerSocket foreign = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            DockerCli.Result taken = docker.run("run", "-d", "--name", "clash2", "-p", "127.0.0.1:" + foreign.getLocalPort() + ":80",
                    IMAGE, "sleep", "60");
            assertNotEquals(0, taken.exitCode());
            assertTrue(taken.err().contains("address already in use"), taken.err());
            assertEquals("created", ok(docker.run("inspect", "-f", "{{.State.Status}}", "clash2")).trim());
            assertEquals("{}", ok(docker.run("inspect", "-f", "{{json .NetworkSettings.Ports}}", "clash2")).trim());
        }
        ok(docker.run("rm", "-f", "holder", "clash", "clash2"));
    }

    @Test
    void stopClosesThePortAndStartOpensItAgain() throws Exception {
        int port = freePort();
        ok(docker.run("run", "-d", "--name", "web4", "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c", SERVE));
        assertTrue(get(port).startsWith("served by "));
        ok(docker.run("stop", "-t", "1", "web4"));
        assertFalse(listening(port), "nothing listens after stop");
        assertEquals("", ok(docker.run("port", "web4")).trim());
        ok(docker.run("start", "web4"));
        assertTrue(get(port).startsWith("served by "));
        ok(docker.run("rm", "-f", "web4"));
        assertFalse(listening(port));
    }

    @Test
    void udpDatagramsAreEchoedThroughAPublishedUdpPort() throws Exception {
        ok(docker.run("run", "-d", "--name", "echo", "-p", "127.0.0.1::53/udp", IMAGE, "udp-echo", "53"));
        String mapping = ok(docker.run("port", "echo", "53/udp")).trim();
        int port = Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(500);
            String reply = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            // the first datagrams may arrive before the server has bound its socket; UDP just loses them
            while (reply == null && System.nanoTime() < deadline) {
                byte[] out = "ping".getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", port)));
                DatagramPacket in = new DatagramPacket(new byte[64], 64);
                try {
                    client.receive(in);
                    reply = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
                } catch (java.net.SocketTimeoutException e) {
                    // try again
                }
            }
            assertEquals("ping", reply);
        }
        ok(docker.run("rm", "-f", "echo"));
    }

    @Test
    void a100MiBDownloadArrivesIntact() throws Exception {
        int port = freePort();
        ok(docker.run("run", "-d", "--name", "big", "--shm-size", "160m", "-p", "127.0.0.1:" + port + ":80", IMAGE, "sh", "-c",
                "dd if=/dev/urandom of=/dev/shm/blob bs=1M count=100 2>/dev/null && sha256sum /dev/shm/blob > /dev/shm/sum"
                        + " && exec httpd -f -p 80 -h /dev/shm"));
        String inside = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (inside == null && System.nanoTime() < deadline) {
            Result sum = curl("http://127.0.0.1:" + port + "/sum");
            inside = sum.code() == 0 ? sum.out().split("\\s+")[0] : null;
            if (inside == null) {
                Thread.sleep(300);
            }
        }
        assertTrue(inside != null && inside.matches("[0-9a-f]{64}"), "the container's checksum: " + inside);
        Process download = new ProcessBuilder("sh", "-c", "curl -fsS --max-time 60 http://127.0.0.1:" + port + "/blob | sha256sum")
                .redirectErrorStream(true).start();
        String outside = new String(download.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\s+")[0];
        assertTrue(download.waitFor(90, TimeUnit.SECONDS));
        assertEquals(inside, outside);
        ok(docker.run("rm", "-f", "big"));
    }

    @Test
    void anEngineRestartReopensThePortsOfRunningContainersOnly() throws Exception {
        int running = freePort();
        int stopped = freePort();
        ok(docker.run("run", "-d", "--name", "keeps", "-p", "127.0.0.1:" + running + ":80", IMAGE, "sh", "-c", SERVE));
        ok(docker.run("run", "-d", "--name", "ended", "-p", "127.0.0.1:" + stopped + ":80", IMAGE, "sh", "-c", SERVE));
        assertTrue(get(running).startsWith("served by "));
        ok(docker.run("stop", "-t", "1", "ended"));
        engine.close();
        engine = null;
        assertFalse(listening(running), "the listeners end with the engine");
        engine = Engine.start(config);
        assertTrue(get(running).startsWith("served by "), "the running container's port is back");
        assertEquals("80/tcp -> 127.0.0.1:" + running, ok(docker.run("port", "keeps")).trim());
        assertFalse(listening(stopped), "the stopped container has no port");
        ok(docker.run("rm", "-f", "keeps", "ended"));
        assertFalse(listening(running));
    }

    private record Result(int code, String out) {}

    private static Result curl(String url) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-fsS", "--max-time", "5", url).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        curl.waitFor(30, TimeUnit.SECONDS);
        return new Result(curl.exitValue(), out);
    }

    /** The page on 127.0.0.1:port, waiting up to 15 s for the server in the container to come up. */
    private static String get(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Result last;
        do {
            last = curl("http://127.0.0.1:" + port + "/");
            if (last.code() == 0) {
                return last.out();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("127.0.0.1:" + port + " did not serve in 15 s: " + last.out());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String ok(DockerCli.Result result) {
        assertEquals(0, result.exitCode(), result.err());
        return result.out();
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** A 10.x.y.0/24 that this host does not route yet, so the test's bridge disturbs nothing. */
    private static String freeSubnet() throws Exception {
        Process routes = new ProcessBuilder("ip", "-4", "route").redirectErrorStream(true).start();
        String table = new String(routes.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        routes.waitFor();
        for (int attempt = 0; attempt < 100; attempt++) {
            String subnet = "10." + (210 + RANDOM.nextInt(40)) + "." + RANDOM.nextInt(256) + ".0";
            if (!table.contains(subnet.substring(0, subnet.length() - 1))) {
                return subnet + "/24";
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 found in: " + table);
    }

    /** A static UDP echo server for the busybox image (busybox has no UDP server); needs gcc and libc's static archive. */
    private static void compileUdpEcho(Path binary) throws Exception {
        Path source = dir.resolve("udp-echo.c");
        Files.writeString(source, """
                #include <netinet/in.h>
                #include <stdlib.h>
                #include <sys/socket.h>
                int main(int argc, char **argv) {
                    int s = socket(AF_INET, SOCK_DGRAM, 0);
                    struct sockaddr_in a = {0};
                    a.sin_family = AF_INET;
                    a.sin_port = htons(atoi(argv[1]));
                    if (bind(s, (struct sockaddr *) &a, sizeof a) != 0) return 1;
                    char b[65536];
                    for (;;) {
                        struct sockaddr_in from;
                        socklen_t len = sizeof from;
                        ssize_t n = recvfrom(s, b, sizeof b, 0, (struct sockaddr *) &from, &len);
                        if (n >= 0) sendto(s, b, n, 0, (struct sockaddr *) &from, len);
                    }
                }
                """);
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", binary.toString(), source.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "gcc is not installed: " + e.getMessage());
            return;
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), "compiling the UDP echo server failed: " + output);
    }

    private static void tar(Path root, Path tar) throws Exception {
        Process process = new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }
}
