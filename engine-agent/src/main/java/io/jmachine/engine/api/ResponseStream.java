package io.jmachine.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A chunked response whose headers are already out: events, logs, pulls, wait. Writers block while the
 * client is slower than the producer (so a stream never piles up in memory), and learn when it has gone.
 */
public final class ResponseStream implements AutoCloseable {

    private final Channel channel;
    private final ObjectMapper json;
    private final boolean keepAlive;
    private boolean ended;
    private OutputStream output;

    ResponseStream(Channel channel, ObjectMapper json, boolean keepAlive) {
        this.channel = channel;
        this.json = json;
        this.keepAlive = keepAlive;
    }

    /** True while the client is connected. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Runs when the client goes away, e.g. to stop following logs. */
    public void onClose(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    public void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        ChannelFuture write = channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(bytes, offset, length)));
        if (!channel.isWritable() || write.isDone()) {
            // wait only when Netty's buffer is full (back-pressure) or to learn that the write failed
            await(write);
        }
    }

    /** One JSON object and a newline, as dockerd's streams (events, pull progress, build output). */
    public void writeJsonLine(Object value) throws IOException {
        try {
            byte[] line = json.writeValueAsBytes(value);
            byte[] withNewline = new byte[line.length + 1];
            System.arraycopy(line, 0, withNewline, 0, line.length);
            withNewline[line.length] = '\n';
            write(withNewline);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write a stream item as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public void writeText(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The body as an OutputStream for writers such as tar archives, buffered into 64 KiB chunks (tar writers
     * make many small writes); {@link #close()} flushes it.
     */
    public OutputStream asOutputStream() {
        if (output == null) {
            output = new java.io.BufferedOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    ResponseStream.this.write(new byte[] {(byte) b});
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ResponseStream.this.write(b, off, len);
                }
            }, 64 * 1024) {
                @Override
                public void close() throws IOException {
                    flush(); // the response ends with ResponseStream.close(), not here
                }
            };
        }
        return output;
    }

    /**
     * Cuts the connection without ending the body, so that a failure midway is never taken for a complete
     * (e.g. a truncated tar).
     */
    public void abort() {
        ended = true;
        channel.close();
    }

    /** Ends the body; the connection stays for the next request when the client asked for keep-alive. */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        if (output != null) {
            try {
                output.flush();
            } catch (IOException e) {
                abort();
                return;
            }
        }
        ended = true;
        if (!channel.isActive()) {
            return;
        }
        ChannelFuture done = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (keepAlive) {
            done.addListener(f -> channel.config().setAutoRead(true));
        } else {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void await(ChannelFuture write) throws IOException {
        try {
            write.get(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while streaming the response");
        } catch (ExecutionException e) {
            throw new IOException("the client went away: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            channel.close();
            throw new IOException("the client read nothing for 5 minutes; closed");
        }
    }
}
