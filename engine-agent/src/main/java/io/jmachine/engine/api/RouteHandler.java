package io.jmachine.engine.api;

/** Serves one route. Plain routes reply through the exchange; streaming routes may write to its channel. */
@FunctionalInterface
public interface RouteHandler {
    void handle(ApiExchange exchange) throws Exception;
}
