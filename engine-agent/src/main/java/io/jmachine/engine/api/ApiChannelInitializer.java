package io.jmachine.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * One API connection's pipeline: [tls] → http → body → api. The names matter: a hijack for attach/exec
 * removes http, body and api and puts the raw stream in their place.
 */
final class ApiChannelInitializer extends ChannelInitializer<Channel> {

    private final ServerTls tls;
    private final Router router;
    private final ObjectMapper json;
    private final Executor handlers;
    private final Path spoolDir;

    ApiChannelInitializer(ServerTls tls, Router router, ObjectMapper json, Executor handlers, Path spoolDir) {
        this.tls = tls;
        this.router = router;
        this.json = json;
        this.handlers = handlers;
        this.spoolDir = spoolDir;
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            pipeline.addLast("tls", tls.newHandler());
        }
        pipeline.addLast("http", new HttpServerCodec(8192, ApiServer.MAX_HEADER_BYTES, 64 * 1024));
        pipeline.addLast("body", new RequestBodyCollector(spoolDir));
        pipeline.addLast("api", new ApiRequestHandler(router, json, handlers));
    }
}
