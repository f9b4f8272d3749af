package io.jmachine.engine.api;

import io.jmachine.engine.EngineVersion;
import io.netty.handler.codec.http.HttpHeaders;

/** Headers dockerd puts on every response; clients read them (the CLI takes the OS for stats from Server). */
public final class ApiHeaders {

    private ApiHeaders() {
    }

    public static void addCommon(HttpHeaders headers) {
        headers.set("Api-Version", ApiVersion.MAX.toString());
        headers.set("Docker-Experimental", "false");
        headers.set("Ostype", "linux");
        headers.set("Server", "Docker/" + EngineVersion.DOCKER_COMPATIBLE + " (linux)");
    }
}
