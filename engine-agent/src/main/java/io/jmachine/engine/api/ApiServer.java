package io.jmachine.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.config.ConfigException;
import io.jmachine.engine.config.HostAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The API's listeners: unix sockets (mode 0660, optional group) and tcp:// with mutual TLS. */
public final class ApiServer implements io.jmachine.engine.EngineFrontend {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Request heads above this size get 431, as a guard against memory exhaustion. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private final Router router;
    private final ObjectMapper json;
    private final Path spoolDir;
    private final EventLoopGroup group;
    private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-", 0).factory());
    private volatile Runnable onActivity = () -> { };
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> sockets = new ArrayList<>();

    /** @param spoolDir where request bodies too large for memory are written while their request runs */
    public ApiServer(Router router, ObjectMapper json, Path spoolDir) {
        this.router = router;
        this.json = json;
        this.spoolDir = spoolDir;
        this.group = new MultiThreadIoEventLoopGroup(2, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    public void listen(HostAddress host, ServerTls tls, String socketGroup) {
        try {
            switch (host) {
                case HostAddress.Unix unix -> listenUnix(unix.path(), socketGroup);
                case HostAddress.Tcp tcp -> listenTcp(tcp, tls);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while opening " + host);
        }
        LOG.info("API listening on {}{}", host, tls != null ? " (mutual TLS)" : "");
    }

    private void listenUnix(Path path, String socketGroup) throws InterruptedException {
        if (!Epoll.isAvailable()) {
            throw new ConfigException("cannot listen on unix://" + path + ": Netty's epoll transport is unavailable ("
                    + Epoll.unavailabilityCause() + ")");
        }
        removeStaleSocket(path);
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new ConfigException("cannot create the folder of socket " + path + ": " + e.getMessage(), e);
        }
        Channel channel = bootstrap(null).channel(EpollServerDomainSocketChannel.class)
                .bind(new DomainSocketAddress(path.toFile())).sync().channel();
        listeners.add(channel);
        sockets.add(path);
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            if (socketGroup != null) {
                GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(socketGroup);
                Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot set the owner group or mode of socket " + path + ": " + e.getMessage()
                    + (socketGroup != null ? " (does group " + socketGroup + " exist?)" : ""), e);
        }
    }

    /** A socket file left by an engine that died is reused; one that still answers belongs to a live engine. */
    private static void removeStaleSocket(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new ConfigException("another process already listens on unix://" + path + "; stop it or choose another -H");
        } catch (IOException refused) {
            try {
                Files.delete(path);
            } catch (IOException e) {
                throw new ConfigException("cannot remove the stale socket " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private void listenTcp(HostAddress.Tcp tcp, ServerTls tls) throws InterruptedException {
        ServerBootstrap bootstrap = bootstrap(tls)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
        try {
            listeners.add(bootstrap.bind(new InetSocketAddress(tcp.host(), tcp.port())).sync().channel());
        } catch (Exception e) {
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new ConfigException("cannot listen on " + tcp + ": " + e.getMessage() + "; is the port taken?", e);
        }
    }

    private ServerBootstrap bootstrap(ServerTls tls) {
        // half-closure lets an attached client end stdin (docker run -i < file) and still read the output
        return new ServerBootstrap().group(group)
                // half-closure lets an attached client end stdin (docker run -i < file) and still read the output
                .childOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ApiChannelInitializer(tls, router, json, this::handle, spoolDir));
    }

    /**
     * Asks this server for /_ping and /version over its first unix socket, so that a first client finds the HTTP
     * path's code run once already (80 ms of a first request on this host, about a second in a TCG guest).
     */
    public void warmUp() {
        if (sockets.isEmpty()) {
            return;
        }
        for (String path : List.of("/_ping", "/version")) {
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(sockets.get(0)))) {
                channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: engine\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer answer = ByteBuffer.allocate(8192);
                while (channel.read(answer.clear()) >= 0) {
                    // the answer is not needed, only its having been made
                }
            } catch (IOException e) {
                return; // a warm-up only: the first client pays instead
            }
        }
    }

    /** Runs a request's handler, telling the activity listener when it starts and when it ends. */
    private void handle(Runnable handler) {
        onActivity.run();
        handlers.execute(() -> {
            try {
                handler.run();
            } finally {
                onActivity.run();
            }
        });
    }

    /** {@code listener} runs (on the calling thread: keep it short) as each request starts and as it ends. */
    public void onActivity(Runnable listener) {
        this.onActivity = listener;
    }

    /** The port a tcp listener was bound to (for tests that bind port 0). */
    public int boundPort(int index) {
        return ((InetSocketAddress) listeners.get(index).localAddress()).getPort();
    }

    @Override
    public void close() {
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly();
        }
        // end the handlers first (long streams such as `docker events` stop when interrupted), while their
        // connections can still take their last bytes; then the connections
        handlers.shutdownNow();
        try {
            if (!handlers.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("some API requests were still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        for (Path socket : sockets) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warn("cannot remove socket {}: {}", socket, e.getMessage());
            }
        }
    }
}
