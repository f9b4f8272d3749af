package io.jmachine.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One upgraded connection as docker-py's {@code socket=True} holds it (exec start, attach): the request with
 * {@code Upgrade: tcp}, the answer's head, then raw bytes both ways, read in the background.
 */
public final class HijackedConnection implements AutoCloseable {

    private final SocketChannel channel;
    private final String head;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private HijackedConnection(SocketChannel channel, String head, byte[] early) {
        this.channel = channel;
        this.head = head;
        received.writeBytes(early);
        Thread.ofVirtual().start(this::read);
    }

    /** POSTs {@code json} to {@code path} asking for an upgrade; returns once the answer's head is read. */
    public static HijackedConnection post(Path socket, String path, String json) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String request = "POST " + path + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\nConnection: Upgrade\r\n"
                + "Upgrade: tcp\r\nContent-Length: " + body.length + "\r\n\r\n";
        write(channel, request.getBytes(StandardCharsets.ISO_8859_1));
        write(channel, body);
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(4096);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("the engine closed before answering: " + headBytes.toString(StandardCharsets.ISO_8859_1));
            }
            headBytes.write(one.array(), 0, one.position());
            String text = headBytes.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                byte[] all = headBytes.toByteArray();
                byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
                return new HijackedConnection(channel, text.substring(0, end), rest);
            }
        }
    }

    /** The status line and headers of the answer. */
    public String head() {
        return head;
    }

    public int status() {
        return Integer.parseInt(head.split(" ")[1]);
    }

    public void send(byte[] bytes) throws IOException {
        write(channel, bytes);
    }

    /** Half-closes: the engine sees the end of stdin. */
    public void endInput() throws IOException {
        channel.shutdownOutput();
    }

    /** Waits for the engine to close the stream; false if it is still open after the timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /** What came after the head so far. */
    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** Waits until what came contains {@code text}; false after the timeout. */
    public boolean awaitText(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (new String(received(), StandardCharsets.ISO_8859_1).contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        try {
            while (true) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
                synchronized (received) {
                    received.write(buffer.array(), 0, buffer.position());
                }
            }
        } catch (IOException e) {
            // closed on our side, or reset
        }
        ended.complete(null);
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Splits a multiplexed stream into its frames: stream id, then payload. */
    public static java.util.List<Frame> frames(byte[] stream) {
        java.util.List<Frame> frames = new java.util.ArrayList<>();
        int at = 0;
        while (at + 8 <= stream.length) {
            int length = ByteBuffer.wrap(stream, at + 4, 4).getInt();
            if (at + 8 + length > stream.length) {
                throw new IllegalArgumentException("a frame header announces " + length + " bytes, " + (stream.length - at - 8) + " came");
            }
            frames.add(new Frame(stream[at], new String(stream, at + 8, length, StandardCharsets.UTF_8)));
            at += 8 + length;
        }
        if (at != stream.length) {
            throw new IllegalArgumentException("not a multiplexed stream: " + (stream.length - at) + " bytes after the last frame");
        }
        return frames;
    }

    /** One frame of a multiplexed stream: 1 stdout, 2 stderr. */
    public record Frame(int stream, String text) {}
}
