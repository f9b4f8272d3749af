package io.jmachine.provisioner.engine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One GET to an engine over a socket of its own, mutual TLS, {@code Connection: close}: what `ls` asks every machine.
 * In a CLI that lives half a second the JDK's HttpClient (a selector thread, a pool of workers, TLS through SSLEngine)
 * cost more than the exchange; a blocking socket on the caller's thread does the same with much less to warm up.
 * The TLS is the same: the store's client certificate, the machine's CA, and the server's certificate must name the
 * host, as HttpClient checks.
 */
final class EngineGet {

    /** Larger answers are not what a ping or a version is. */
    private static final int MAX_BODY = 1 << 20;

    /**
     * Groups of one kind, so that the client hello carries one key share: with the JDK's default list it carries an
     * X25519 and a P-256 one, and jmachine-engine, Docker and most servers take X25519, leaving the P-256 key, the
     * dearer of the two to make in a JVM that just started, made for nothing (a third of `ls`'s TLS work).
     */
    private static final String[] ONE_KEY_SHARE = {"x25519", "x448"};

    record Response(int status, String body) {}

    private EngineGet() {
    }

    /**
     * @param engineUrl {@code tcp://HOST:PORT}
     * @param timeout   bounds the connect, the handshake and each read, as HttpClient's request timeout did
     */
    static Response get(SSLContext tls, URI engineUrl, String path, Duration timeout) throws IOException {
        try {
            return get(tls, engineUrl, path, timeout, ONE_KEY_SHARE);
        } catch (SSLException e) {
            // an engine without X25519 and X448 (one in FIPS mode, say), whatever alert it sends for it: again with the
            // JDK's groups, whose words then stand for any other failure of TLS
            return get(tls, engineUrl, path, timeout, null);
        }
    }

    private static Response get(SSLContext tls, URI engineUrl, String path, Duration timeout, String[] namedGroups) throws IOException {
        String host = engineUrl.getHost();
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = engineUrl.getPort();
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        boolean connected = false;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(bareHost, port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, bareHost, port, true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (namedGroups != null) {
                    parameters.setNamedGroups(namedGroups);
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                connected = true;
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + engineUrl.getRawAuthority() + "\r\nUser-Agent: jmachine\r\n"
                        + "Accept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return read(new BufferedInputStream(socket.getInputStream()));
            }
        } catch (SocketTimeoutException e) {
            // HttpClient's words for the same, which `ls` showed in its ERRORS column
            throw connected ? new HttpTimeoutException("request timed out") : new HttpConnectTimeoutException("HTTP connect timed out");
        }
    }

    static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("the engine answered with no HTTP status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the engine answered with no HTTP status line: " + statusLine);
        }
        long length = -1;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("the engine answered with a bad Content-Length: " + value);
                }
            } else if (name.equals("transfer-encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (long size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                copy(in, body, size);
                line(in); // the CRLF after the chunk
            }
        } else if (length >= 0) {
            copy(in, body, length);
        } else {
            copy(in, body, -1);
        }
        return new Response(status, body.toString(StandardCharsets.UTF_8));
    }

    private static long chunkSize(String line) throws IOException {
        int end = line.indexOf(';');
        String hex = (end >= 0 ? line.substring(0, end) : line).trim();
        try {
            return Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("the engine answered with a bad chunk size: " + line);
        }
    }

    /** Copies {@code count} bytes, or up to the end when -1; an answer that ends early is an error. */
    private static void copy(InputStream in, ByteArrayOutputStream body, long count) throws IOException {
        byte[] buffer = new byte[8192];
        long left = count;
        while (left != 0) {
            int n = in.read(buffer, 0, (int) (left < 0 ? buffer.length : Math.min(buffer.length, left)));
            if (n < 0) {
                if (count < 0) {
                    return;
                }
                throw new IOException("the engine's answer ended " + left + " bytes early");
            }
            if (body.size() + n > MAX_BODY) {
                throw new IOException("the engine's answer is larger than " + MAX_BODY + " bytes");
            }
            body.write(buffer, 0, n);
            if (left > 0) {
                left -= n;
            }
        }
    }

    /** One header line without its CRLF; the end of the stream before one ends is an error. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the engine closed the connection mid-answer");
            }
            if (line.length() > 8192) {
                throw new IOException("the engine answered with a header line longer than 8 KiB");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
