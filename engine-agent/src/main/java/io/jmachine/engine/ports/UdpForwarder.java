package io.jmachine.engine.ports;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A UDP host port. UDP has no connections, so each client address gets a session: a socket connected to the
 * container, whose replies go back to that client from the published port. A session that carries nothing
 * for the idle timeout is dropped (docker-proxy's conntrack timeout is 90 s), and the number of sessions is
 * capped so that a flood of spoofed sources cannot exhaust the engine's sockets.
 */
final class UdpForwarder implements Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(UdpForwarder.class);
    /** The largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM = 65_507;
    static final int MAX_SESSIONS = 4096;

    private final Channel listener;
    private final Map<InetSocketAddress, Channel> sessions;

    private UdpForwarder(Channel listener, Map<InetSocketAddress, Channel> sessions) {
        this.listener = listener;
        this.sessions = sessions;
    }

    static UdpForwarder open(ProxyTransport transport, InetSocketAddress listen, InetSocketAddress target, Duration idle)
            throws BindFailure {
        Map<InetSocketAddress, Channel> sessions = new ConcurrentHashMap<>();
        // no SO_REUSEADDR: on UDP it would let two sockets share the port, hiding a port that is taken
        Bootstrap bootstrap = new Bootstrap()
                .group(transport.group())
                .channel(transport.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FromClients(transport, target, idle, sessions));
                    }
                });
        ChannelFuture bound = bootstrap.bind(listen).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw BindFailure.of(bound.cause());
        }
        return new UdpForwarder(bound.channel(), sessions);
    }

    @Override
    public int hostPort() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (Channel session : sessions.values()) {
            session.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        sessions.clear();
    }

    /** On the published socket: finds or opens the client's session and sends the datagram through it. */
    private static final class FromClients extends ChannelInboundHandlerAdapter {

        private final ProxyTransport transport;
        private final InetSocketAddress target;
        private final Duration idle;
        private final Map<InetSocketAddress, Channel> sessions;

        FromClients(ProxyTransport transport, InetSocketAddress target, Duration idle, Map<InetSocketAddress, Channel> sessions) {
            this.transport = transport;
            this.target = target;
            this.idle = idle;
            this.sessions = sessions;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            InetSocketAddress client = packet.sender();
            Channel session = sessions.get(client);
            if (session == null) {
                if (sessions.size() >= MAX_SESSIONS) {
                    LOG.debug("dropping a datagram from {}: {} UDP sessions are open", client, MAX_SESSIONS);
                    packet.release();
                    return;
                }
                session = open(ctx.channel(), client);
            }
            ByteBuf payload = packet.content();
            Channel to = session;
            // the connect is asynchronous; listeners run in order, so datagrams keep their order
            session.attr(CONNECTED).get().addListener(connected -> {
                if (connected.isSuccess() && to.isActive()) {
                    to.writeAndFlush(payload, to.voidPromise());
                } else {
                    payload.release();
                }
            });
        }

        private Channel open(Channel published, InetSocketAddress client) {
            Bootstrap toContainer = new Bootstrap()
                    .group(published.eventLoop())
                    .channel(transport.datagramChannel())
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS),
                                    new FromContainer(published, client));
                        }
                    });
            ChannelFuture connected = toContainer.connect(target);
            Channel session = connected.channel();
            session.attr(CONNECTED).set(connected);
            sessions.put(client, session);
            session.closeFuture().addListener(closed -> sessions.remove(client, session));
            return session;
        }
    }

    private static final io.netty.util.AttributeKey<ChannelFuture> CONNECTED =
            io.netty.util.AttributeKey.valueOf(UdpForwarder.class, "connected");

    /** On a session: replies go back to the client through the published socket; idle sessions close. */
    private static final class FromContainer extends ChannelInboundHandlerAdapter {

        private final Channel published;
        private final InetSocketAddress client;

        FromContainer(Channel published, InetSocketAddress client) {
            this.published = published;
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf payload = msg instanceof DatagramPacket packet ? packet.content() : msg instanceof ByteBuf buf ? buf : null;
            if (payload == null || !published.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            published.writeAndFlush(new DatagramPacket(payload, client), published.voidPromise());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable while nothing listens in the container: the datagram is lost, as UDP allows
            LOG.debug("UDP session {} -> {}: {}", client, ctx.channel().remoteAddress(), cause.toString());
        }
    }
}
