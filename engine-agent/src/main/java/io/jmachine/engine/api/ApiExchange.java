package io.jmachine.engine.api;

import io.jmachine.engine.errors.EngineException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** One request and the means to answer it, once. */
public final class ApiExchange {

    private final ChannelHandlerContext ctx;
    private final ApiRequest request;
    private final boolean keepAlive;
    private final ObjectMapper json;
    private final HttpHeaders extraHeaders = new DefaultHttpHeaders();
    private boolean responded;

    ApiExchange(ChannelHandlerContext ctx, ApiRequest request, boolean keepAlive, ObjectMapper json) {
        this.ctx = ctx;
        this.request = request;
        this.keepAlive = keepAlive;
        this.json = json;
    }

    public ApiRequest request() {
        return request;
    }

    /** For routes that write their own response. */
    public ChannelHandlerContext channelContext() {
        responded = true;
        return ctx;
    }

    /**
     * Sends the head of a chunked response now (clients such as `docker run` wait for it before going on)
     * and returns the body to write as it comes.
     */
    public ResponseStream startStream(int status, String contentType) {
        if (responded) {
            throw new IllegalStateException("a response was already sent for " + request.method() + " " + request.path());
        }
        responded = true;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        ApiHeaders.addCommon(head.headers());
        head.headers().add(extraHeaders);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setTransferEncodingChunked(head, true);
        if (!keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(head);
        return new ResponseStream(ctx.channel(), json, keepAlive);
    }

    /** Takes the connection over for attach and exec (101 UPGRADED, or 200 and raw bytes until close). */
    public HijackedStream hijack(boolean multiplexed) throws java.io.IOException {
        if (responded) {
            throw new IllegalStateException("a response was already sent for " + request.method() + " " + request.path());
        }
        responded = true;
        return HijackedStream.take(ctx, request, multiplexed);
    }

    /**
     * The body as JSON of the given type; malformed JSON or a wrong type is a 400 that says where.
     * An empty body reads as null.
     */
    public <T> T readJson(Class<T> type) {
        byte[] body = request.body().bytes();
        if (body.length == 0) {
            return null;
        }
        try {
            return json.readValue(body, type);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(java.util.stream.Collectors.joining("."));
            throw EngineException.invalid("invalid JSON" + (where.isEmpty() ? "" : " at " + where) + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw EngineException.invalid("invalid JSON: " + e.getMessage());
        }
    }

    public ObjectMapper jsonMapper() {
        return json;
    }

    /** Adds a header to the response this exchange will send. */
    public ApiExchange header(String name, String value) {
        extraHeaders.set(name, value);
        return this;
    }

    public void json(int status, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON: " + e.getOriginalMessage(), e);
        }
        send(status, "application/json", bytes);
    }

    public void text(int status, String contentType, String body) {
        send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A reply without a body, e.g. 204 after start, 304 for a no-op. */
    public void empty(int status) {
        send(status, null, new byte[0]);
    }

    boolean responded() {
        return responded;
    }

    void send(int status, String contentType, byte[] body) {
        if (responded) {
            throw new IllegalStateException("a response was already sent for " + request.method() + " " + request.path());
        }
        responded = true;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                request.method().equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        ApiHeaders.addCommon(response.headers());
        response.headers().add(extraHeaders);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.method().equals(HttpMethod.HEAD) ? 0 : body.length);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        } else {
            future.addListener(f -> ctx.channel().config().setAutoRead(true));
        }
    }
}
