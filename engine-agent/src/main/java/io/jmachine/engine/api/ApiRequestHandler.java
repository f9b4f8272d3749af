package io.jmachine.engine.api;

import io.jmachine.engine.errors.EngineException;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an HTTP request into a routed API call: strips and checks the /vX.Y prefix, dispatches to the
 * route's handler on a virtual thread (handlers may block on runc, disks or locks), and maps failures
 * to Docker's {"message": …} errors. The connection reads nothing more until the reply is out.
 */
final class ApiRequestHandler extends SimpleChannelInboundHandler<ApiCall> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestHandler.class);
    private static final Pattern VERSIONED = Pattern.compile("^/v([0-9][0-9.]*)(/.*)$");

    private final Router router;
    private final ObjectMapper json;
    private final Executor handlers;

    ApiRequestHandler(Router router, ObjectMapper json, Executor handlers) {
        this.router = router;
        this.json = json;
        this.handlers = handlers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ApiCall call) {
        HttpRequest http = call.head();
        boolean keepAlive = HttpUtil.isKeepAlive(http) && http.decoderResult().isSuccess();
        QueryStringDecoder uri = new QueryStringDecoder(http.uri());
        String path = uri.path();
        ApiVersion version = ApiVersion.MAX;
        Matcher versioned = VERSIONED.matcher(path);
        if (versioned.matches()) {
            path = versioned.group(2);
        }
        ApiRequest request = new ApiRequest(http.method(), path, version, uri.parameters(), Map.of(), http.headers(), RequestBody.empty());
        ApiExchange exchange = new ApiExchange(ctx, request, keepAlive, json);
        if (http.decoderResult().isFailure()) {
            Throwable cause = http.decoderResult().cause();
            int status = cause instanceof TooLongFrameException ? 431 : 400;
            sendError(exchange, new ApiException(status, "bad request: " + cause.getMessage()));
            call.body().close();
            return;
        }
        try {
            if (versioned.matches()) {
                version = ApiVersion.parse(versioned.group(1)).requireSupported();
            }
            Router.Match match = router.route(http.method(), path);
            ApiRequest routed = new ApiRequest(http.method(), path, version, uri.parameters(), match.pathParams(),
                    http.headers(), call.body());
            ApiExchange routedExchange = new ApiExchange(ctx, routed, keepAlive, json);
            ctx.channel().config().setAutoRead(false);
            handlers.execute(() -> serve(match.handler(), routedExchange));
        } catch (EngineException | ApiException e) {
            sendError(exchange, e);
            call.body().close();
        }
    }

    private void serve(RouteHandler handler, ApiExchange exchange) {
        ApiRequest request = exchange.request();
        LOG.debug("{} {}", request.method(), request.path());
        long begun = System.nanoTime();
        try {
            handler.handle(exchange);
            if (!exchange.responded()) {
                throw new IllegalStateException("the handler of " + request.method() + " " + request.path() + " sent no response");
            }
        } catch (EngineException | ApiException e) {
            sendError(exchange, e);
        } catch (Exception e) {
            LOG.error("{} {} failed", request.method(), request.path(), e);
            sendError(exchange, EngineException.internal(e.getMessage() != null ? e.getMessage() : e.toString()));
        } finally {
            request.body().close();
            LOG.debug("{} {} handled in {} ms", request.method(), request.path(), (System.nanoTime() - begun) / 1_000_000);
        }
    }

    private void sendError(ApiExchange exchange, RuntimeException e) {
        if (exchange.responded()) {
            LOG.warn("{} {} failed after its response began: {}", exchange.request().method(), exchange.request().path(), e.getMessage());
            return;
        }
        int status = ErrorStatus.of(e);
        if (status == 304) {
            // not modified: dockerd sends no body, and a body would break the client's next read
            exchange.empty(304);
            return;
        }
        exchange.json(status, Map.of("message", e.getMessage()));
    }

    /** A client that half-closes an idle connection is done with it (hijacked streams handle this themselves). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent && ctx.channel().config().isAutoRead()) {
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
