package io.jmachine.engine.ports;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes what one side of a proxied connection reads to the other side, unchanged (the buffers go as they
 * were read). Back-pressure: when the peer's outbound buffer passes its high water mark this side stops
 * reading, and reads again once the peer has drained below the low mark. A half-close (FIN) is passed on
 * as a half-close, so request/response protocols that signal "done" by shutting down writing still work;
 * when both directions are done, or either side fails, both are closed.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);

    private final DuplexChannel peer;

    TcpRelay(DuplexChannel peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (peer.isActive()) {
            peer.write(msg, peer.voidPromise());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (!peer.isWritable()) {
            // the peer's writability event turns reading back on once it has drained
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // this side's outbound buffer holds what the peer read: throttle the peer, not this side
        if (!peer.isInputShutdown()) {
            peer.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            DuplexChannel self = (DuplexChannel) ctx.channel();
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
                if (!flushed.isSuccess()) {
                    closeBoth(self);
                    return;
                }
                peer.shutdownOutput().addListener(shut -> {
                    if (!shut.isSuccess() || self.isOutputShutdown()) {
                        // the other direction ended before: nothing more can flow
                        closeBoth(self);
                    }
                });
            });
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // resets and broken pipes are how connections end; nothing the engine should shout about
        LOG.debug("proxied connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    private void closeBoth(Channel self) {
        self.close();
        peer.close();
    }
}
