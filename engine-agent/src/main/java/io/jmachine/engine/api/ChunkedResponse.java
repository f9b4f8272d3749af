package io.jmachine.engine.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A response body of unknown length (docker save, export, cp), sent with chunked encoding as it is written.
 * Each chunk waits until Netty has written it, so a slow client slows the writer instead of filling the heap.
 * {@link #close()} ends the response; {@link #abort()} cuts the connection so a failure mid-stream is never
 * mistaken for a complete body.
 */
public final class ChunkedResponse extends OutputStream {

    private static final int CHUNK = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private final byte[] buffer = new byte[CHUNK];
    private int buffered;
    private boolean closed;

    private ChunkedResponse(ChannelHandlerContext ctx, boolean keepAlive) {
        this.ctx = ctx;
        this.keepAlive = keepAlive;
    }

    /** Sends the status and headers now; the body follows as it is written. */
    public static ChunkedResponse start(ApiExchange exchange, int status, String contentType) throws IOException {
        boolean keepAlive = !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
                String.valueOf(exchange.request().headers().get(HttpHeaderNames.CONNECTION)));
        ChannelHandlerContext ctx = exchange.channelContext();
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        ApiHeaders.addCommon(response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChunkedResponse body = new ChunkedResponse(ctx, keepAlive);
        body.await(ctx.writeAndFlush(response));
        return body;
    }

    @Override
    public void write(int b) throws IOException {
        if (buffered == buffer.length) {
            flush();
        }
        buffer[buffered++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (buffered == buffer.length) {
                flush();
            }
            int n = Math.min(length, buffer.length - buffered);
            System.arraycopy(bytes, offset, buffer, buffered, n);
            buffered += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        if (buffered > 0) {
            byte[] chunk = java.util.Arrays.copyOf(buffer, buffered);
            buffered = 0;
            await(ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk))));
        }
    }

    /** Ends the body; the connection serves the next request (or closes when the client asked so). */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        ChannelFuture done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (keepAlive) {
            done.addListener(f -> ctx.channel().config().setAutoRead(true));
        } else {
            done.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
        await(done);
    }

    /** Cuts the connection: the client sees a truncated body, not a complete one. */
    public void abort() {
        closed = true;
        ctx.close();
    }

    private void await(ChannelFuture future) throws IOException {
        try {
            future.sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending a response", e);
        } catch (Exception e) {
            throw new IOException("the client went away: " + e.getMessage(), e);
        }
    }
}
