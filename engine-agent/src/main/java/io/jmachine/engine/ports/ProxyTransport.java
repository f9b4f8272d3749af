package io.jmachine.engine.ports;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The event loops and channel types every forwarder shares: epoll where Netty's native transport loads
 * (it reads and writes pooled direct buffers straight from the sockets), NIO otherwise. Both sides of a
 * forwarded connection live on one loop, so relaying needs no locks and no hand-over between threads.
 */
final class ProxyTransport implements AutoCloseable {

    private final boolean epoll;
    private final EventLoopGroup group;

    ProxyTransport(int threads) {
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("port-proxy", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    EventLoopGroup group() {
        return group;
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
