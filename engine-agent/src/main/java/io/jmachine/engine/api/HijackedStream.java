package io.jmachine.engine.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A connection taken over for attach and exec: after "101 UPGRADED" (or a plain 200 for clients that do not
 * ask to upgrade) the socket carries raw bytes both ways. Output goes out multiplexed (8-byte headers,
 * no TTY) or raw (TTY); input arrives as stdin. A half-close from the client ends stdin, not the stream.
 */
public final class HijackedStream implements AutoCloseable {

    /** Docker's stream ids in the 8-byte frame header. */
    public enum Stream { STDIN, STDOUT, STDERR, SYSTEMERR }

    public static final String RAW = "application/vnd.docker.raw-stream";
    public static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";

    private final Channel channel;
    private final boolean multiplexed;
    /** Input that arrives before a consumer is set waits here, so that nothing typed early is lost. */
    private final java.util.List<byte[]> early = new java.util.ArrayList<>();
    private Consumer<byte[]> stdin;
    private Runnable stdinClosed;
    private final CompletableFuture<Void> inputEnded = new CompletableFuture<>();
    private boolean closed;

    private HijackedStream(Channel channel, boolean multiplexed) {
        this.channel = channel;
        this.multiplexed = multiplexed;
    }

    /**
     * Takes the connection over: writes the upgrade (or 200) head, removes the HTTP handlers and routes
     * any bytes that follow to {@link #onStdin}. Called from a handler thread; the switch runs on the event loop.
     */
    static HijackedStream take(ChannelHandlerContext ctx, ApiRequest request, boolean multiplexed) throws IOException {
        Channel channel = ctx.channel();
        HijackedStream stream = new HijackedStream(channel, multiplexed);
        boolean upgrade = request.headers().containsValue("Connection", "Upgrade", true)
                || "tcp".equalsIgnoreCase(request.headers().get("Upgrade"));
        // the multiplexed content type exists from API 1.42; older clients are told raw-stream, as dockerd does
        String contentType = multiplexed && request.version().atLeast(1, 42) ? MULTIPLEXED : RAW;
        String head = upgrade
                ? "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + contentType + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\n\r\n";
        CompletableFuture<Void> switched = new CompletableFuture<>();
        Runnable takeOver = () -> {
            try {
                var pipeline = channel.pipeline();
                pipeline.addAfter("http", "hijacked", stream.new Input());
                pipeline.remove("body");
                pipeline.remove("api");
                // leftover bytes in the HTTP decoder flow on to "hijacked" as stdin
                pipeline.remove("http");
                channel.writeAndFlush(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
                channel.config().setAutoRead(true);
                switched.complete(null);
            } catch (RuntimeException e) {
                switched.completeExceptionally(e);
            }
        };
        if (ctx.executor().inEventLoop()) {
            takeOver.run();
        } else {
            ctx.executor().execute(takeOver);
        }
        try {
            switched.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hijacking the connection");
        } catch (ExecutionException | TimeoutException e) {
            channel.close();
            throw new IOException("cannot take over the connection: " + e, e);
        }
        return stream;
    }

    /** Receives stdin bytes; bytes that came before this call are delivered to it too. */
    public void onStdin(Consumer<byte[]> consumer, Runnable closed) {
        synchronized (early) {
            this.stdin = consumer;
            this.stdinClosed = closed;
            early.forEach(consumer);
            early.clear();
        }
        if (inputEnded.isDone()) {
            closed.run();
        }
    }

    private void deliver(byte[] bytes) {
        synchronized (early) {
            if (stdin == null) {
                early.add(bytes);
                return;
            }
        }
        stdin.accept(bytes);
    }

    /** Completes when the client half-closes or goes away. */
    public CompletableFuture<Void> inputEnded() {
        return inputEnded;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public void onClose(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    /** Writes output: framed with an 8-byte header when multiplexed, as it is for a TTY. */
    public void write(Stream stream, byte[] bytes, int offset, int length) throws IOException {
        if (length == 0 || !channel.isActive()) {
            return;
        }
        ByteBuf out;
        if (multiplexed) {
            out = channel.alloc().buffer(8 + length);
            out.writeByte(stream.ordinal()).writeByte(0).writeByte(0).writeByte(0).writeInt(length);
            out.writeBytes(bytes, offset, length);
        } else {
            out = Unpooled.copiedBuffer(bytes, offset, length);
        }
        ChannelFuture write = channel.writeAndFlush(out);
        if (!channel.isWritable()) {
            try {
                write.get(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing to an attached client");
            } catch (ExecutionException | TimeoutException e) {
                channel.close();
                throw new IOException("the attached client went away", e);
            }
        }
    }

    public void write(Stream stream, byte[] bytes) throws IOException {
        write(stream, bytes, 0, bytes.length);
    }

    /** Ends the stream: the client sees EOF and reads the exit code elsewhere (wait, exec inspect). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** The inbound side after the switch: stdin bytes, then half-close. */
    private final class Input extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf buf && buf.isReadable()) {
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.readBytes(bytes);
                    deliver(bytes);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof ChannelInputShutdownEvent || event instanceof SslCloseCompletionEvent) {
                endInput();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            endInput();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void endInput() {
            Runnable closed;
            synchronized (early) {
                closed = stdinClosed;
            }
            if (inputEnded.complete(null) && closed != null) {
                closed.run();
            }
        }
    }
}
