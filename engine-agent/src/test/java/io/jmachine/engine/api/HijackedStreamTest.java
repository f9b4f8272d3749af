package io.jmachine.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attach-style hijacking in memory: the upgrade head, framing, stdin (also bytes sent with the request), half-close. */
class HijackedStreamTest {

    @TempDir
    Path spool;

    private final AtomicReference<HijackedStream> taken = new AtomicReference<>();
    private final CopyOnWriteArrayList<String> stdin = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stdinClosed = new AtomicBoolean();

    private EmbeddedChannel server(boolean multiplexed) {
        Router router = new Router().post("/containers/{id}/attach", exchange -> {
            HijackedStream stream = exchange.hijack(multiplexed);
            stream.onStdin(bytes -> stdin.add(new String(bytes, StandardCharsets.UTF_8)), () -> stdinClosed.set(true));
            taken.set(stream);
        });
        return new EmbeddedChannel(new ApiChannelInitializer(null, router, new ObjectMapper(), Runnable::run, spool));
    }

    private static String drain(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void upgradeGets101AndMultiplexedFramesAndStdinIncludingBytesSentWithTheRequest() throws Exception {
        EmbeddedChannel channel = server(true);
        channel.writeInbound(Unpooled.copiedBuffer("POST /v1.50/containers/abc/attach?stream=1&stdin=1 HTTP/1.1\r\nHost: x\r\n"
                + "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\nearly", StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        String head = drain(channel);
        assertEquals("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
                + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n", head);
        assertEquals("early", String.join("", stdin), "bytes behind the request head are stdin");

        channel.writeInbound(Unpooled.copiedBuffer("typed\n", StandardCharsets.UTF_8));
        assertEquals("earlytyped\n", String.join("", stdin));

        taken.get().write(HijackedStream.Stream.STDERR, "oops".getBytes(StandardCharsets.UTF_8));
        byte[] frame = drain(channel).getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 4, 'o', 'o', 'p', 's'}, frame);

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertTrue(stdinClosed.get(), "a half-close ends stdin");
        assertTrue(channel.isActive(), "but not the stream");

        taken.get().close();
        channel.runPendingTasks();
        assertFalse(channel.isActive(), "closing the stream closes the connection");
    }

    @Test
    void withoutUpgradeItIsA200RawStreamForOldClients() throws Exception {
        EmbeddedChannel channel = server(false);
        channel.writeInbound(Unpooled.copiedBuffer("POST /v1.41/containers/abc/attach?stream=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n", drain(channel));
        taken.get().write(HijackedStream.Stream.STDOUT, "tty bytes".getBytes(StandardCharsets.UTF_8));
        assertEquals("tty bytes", drain(channel), "a TTY stream has no frame headers");
    }
}
