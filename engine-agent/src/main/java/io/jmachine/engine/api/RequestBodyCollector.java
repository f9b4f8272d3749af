package io.jmachine.engine.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Gathers a request's body: in memory up to {@link #MEMORY_LIMIT}, past that into a file in the spool
 * folder, so that uploads of any size stream to disk. Emits one {@link ApiCall} per request.
 */
final class RequestBodyCollector extends ChannelInboundHandlerAdapter {

    static final int MEMORY_LIMIT = 1024 * 1024;
    /** A bound on one upload, so that a client cannot fill the disk through one request. */
    static final long MAX_BODY_BYTES = 64L * 1024 * 1024 * 1024;

    private final Path spoolDir;
    private HttpRequest head;
    private ByteBuf memory;
    private Path file;
    private FileChannel channel;
    private long length;
    private boolean failed;

    RequestBodyCollector(Path spoolDir) {
        this.spoolDir = spoolDir;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                reset();
                head = request;
                memory = ctx.alloc().buffer();
                if (request.decoderResult().isFailure()) {
                    // no body follows a broken head: hand it on at once for a 4xx
                    failed = true;
                    ctx.fireChannelRead(new ApiCall(request, RequestBody.empty()));
                }
            }
            if (msg instanceof HttpContent content && head != null && !failed) {
                append(content.content());
                if (content instanceof LastHttpContent) {
                    ctx.fireChannelRead(new ApiCall(head, finish()));
                    head = null;
                }
            }
        } catch (IOException e) {
            reset();
            throw new UncheckedIOException("cannot spool a request body to " + spoolDir, e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void append(ByteBuf chunk) throws IOException {
        length += chunk.readableBytes();
        if (length > MAX_BODY_BYTES) {
            throw new IOException("request body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        if (channel == null && memory.readableBytes() + chunk.readableBytes() <= MEMORY_LIMIT) {
            memory.writeBytes(chunk);
            return;
        }
        if (channel == null) {
            Files.createDirectories(spoolDir);
            file = Files.createTempFile(spoolDir, "body-", ".spool");
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            memory.readBytes(channel, memory.readableBytes());
        }
        while (chunk.isReadable()) {
            chunk.readBytes(channel, chunk.readableBytes());
        }
    }

    private RequestBody finish() throws IOException {
        RequestBody body;
        if (channel != null) {
            channel.close();
            body = RequestBody.spooled(file, length);
            channel = null;
            file = null;
        } else {
            body = length == 0 ? RequestBody.empty() : RequestBody.of(ByteBufUtil.getBytes(memory));
        }
        memory.release();
        memory = null;
        length = 0;
        return body;
    }

    private void reset() {
        if (memory != null) {
            memory.release();
            memory = null;
        }
        if (channel != null) {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort: the spool folder is emptied at start
            }
            channel = null;
        }
        file = null;
        length = 0;
        head = null;
        failed = false;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        reset();
        super.channelInactive(ctx);
    }
}
