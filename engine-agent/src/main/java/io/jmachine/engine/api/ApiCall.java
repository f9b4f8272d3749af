package io.jmachine.engine.api;

import io.netty.handler.codec.http.HttpRequest;

/** A request head with its complete body, as the body collector hands it to the API handler. */
record ApiCall(HttpRequest head, RequestBody body) {
}
