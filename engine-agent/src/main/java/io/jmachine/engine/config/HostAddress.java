package io.jmachine.engine.config;

import java.nio.file.Path;

/** One -H/--host value: where the API listens. */
public sealed interface HostAddress {

    /** {@code unix:///run/jmachine-engine.sock} */
    record Unix(Path path) implements HostAddress {
        @Override
        public String toString() {
            return "unix://" + path;
        }
    }

    /** {@code tcp://0.0.0.0:2376}; an empty host means every address, as in dockerd. */
    record Tcp(String host, int port) implements HostAddress {
        @Override
        public String toString() {
            return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** tcp://HOST:PORT, tcp://[IPv6]:PORT, tcp://:PORT (every address), the port optional. */
    java.util.regex.Pattern TCP = java.util.regex.Pattern.compile("tcp://(\\[[0-9a-fA-F:.]+]|[^:/\\[\\]]*)(?::(\\d{1,5}))?/?");

    /** Docker's TLS port, used when a tcp:// host gives none. */
    int DEFAULT_TLS_PORT = 2376;

    static HostAddress parse(String value) {
        if (value.startsWith("unix://")) {
            String path = value.substring("unix://".length());
            if (!path.startsWith("/")) {
                throw new ConfigException("invalid host " + value + ": a unix socket needs an absolute path, as in unix:///run/jmachine-engine.sock");
            }
            return new Unix(Path.of(path));
        }
        if (value.startsWith("tcp://")) {
            java.util.regex.Matcher m = TCP.matcher(value);
            if (!m.matches()) {
                throw new ConfigException("invalid host " + value + ": expected tcp://ADDRESS:PORT");
            }
            String host = m.group(1).isEmpty() ? "0.0.0.0" : m.group(1).replaceAll("^\\[|]$", "");
            int port = m.group(2) == null ? DEFAULT_TLS_PORT : Integer.parseInt(m.group(2));
            if (port > 65535) {
                throw new ConfigException("invalid host " + value + ": port " + port + " is out of range");
            }
            return new Tcp(host, port);
        }
        throw new ConfigException("invalid host " + value + ": use unix:///PATH or tcp://ADDRESS:PORT");
    }
}
