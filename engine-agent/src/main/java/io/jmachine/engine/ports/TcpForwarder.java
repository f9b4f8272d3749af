package io.jmachine.engine.ports;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP host port: each accepted connection gets a connection to the container's address on the same event
 * loop, and a {@link TcpRelay} each way. The client's connection is not read until the container's side is
 * up, so nothing is buffered for a container that does not answer.
 */
final class TcpForwarder implements Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(TcpForwarder.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Enough in flight to keep a fast link busy, bounded so a slow reader cannot make the engine hoard memory. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);
    /** Reads grow up to 256 KiB when the socket has that much waiting: fewer, larger writes on bulk transfers. */
    private static final AdaptiveRecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, 256 * 1024);

    private final Channel listener;
    private final ChannelGroup connections;

    private TcpForwarder(Channel listener, ChannelGroup connections) {
        this.listener = listener;
        this.connections = connections;
    }

    static TcpForwarder open(ProxyTransport transport, InetSocketAddress listen, InetSocketAddress target) throws BindFailure {
        ChannelGroup connections = new DefaultChannelGroup("tcp-" + listen, GlobalEventExecutor.INSTANCE);
        ServerBootstrap server = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannel())
                // a stopped container's port is free at once, even with connections in TIME_WAIT
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        connections.add(client);
                        client.pipeline().addLast(new Connector(transport, target, connections));
                    }
                });
        ChannelFuture bound = server.bind(listen).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw BindFailure.of(bound.cause());
        }
        return new TcpForwarder(bound.channel(), connections);
    }

    @Override
    public int hostPort() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** On a new client: connects to the container, then swaps itself for the relay. */
    private static final class Connector extends ChannelInboundHandlerAdapter {

        private final ProxyTransport transport;
        private final InetSocketAddress target;
        private final ChannelGroup connections;

        Connector(ProxyTransport transport, InetSocketAddress target, ChannelGroup connections) {
            this.transport = transport;
            this.target = target;
            this.connections = connections;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            DuplexChannel client = (DuplexChannel) ctx.channel();
            Bootstrap toContainer = new Bootstrap()
                    .group(client.eventLoop())
                    .channel(transport.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                    .handler(new TcpRelay(client));
            ChannelFuture connected = toContainer.connect(target);
            connections.add(connected.channel());
            connected.addListener(done -> {
                if (!done.isSuccess()) {
                    LOG.debug("cannot reach {} for a client of {}: {}", target, client.localAddress(), done.cause().toString());
                    client.close();
                    return;
                }
                DuplexChannel container = (DuplexChannel) connected.channel();
                if (!client.isActive()) {
                    container.close();
                    return;
                }
                client.pipeline().replace(this, "relay", new TcpRelay(container));
                client.config().setAutoRead(true);
                container.config().setAutoRead(true);
            });
            ctx.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
