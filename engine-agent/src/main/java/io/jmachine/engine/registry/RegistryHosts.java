package io.jmachine.engine.registry;

import io.jmachine.engine.image.ImageReference;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a registry name is reached. Like dockerd: loopback registries (127.0.0.0/8, ::1, localhost) and the
 * configured {@code insecure-registries} speak plain HTTP, others HTTPS; Docker Hub ("docker.io") is
 * {@code registry-1.docker.io}, and pulls from it try the {@code registry-mirrors} first.
 */
public final class RegistryHosts {

    static final String DOCKER_HUB_API = "https://registry-1.docker.io";

    private final List<String> insecure;
    private final List<URI> mirrors;

    public RegistryHosts(List<String> insecureRegistries, List<String> registryMirrors) {
        this.insecure = insecureRegistries.stream().map(RegistryHosts::stripScheme).toList();
        this.mirrors = registryMirrors.stream().map(m -> URI.create(m.endsWith("/") ? m.substring(0, m.length() - 1) : m)).toList();
    }

    /** The base URI (no trailing slash) for pushes and logins to {@code domain}. */
    public URI base(String domain) {
        if (domain.equals(ImageReference.DEFAULT_DOMAIN)) {
            return URI.create(DOCKER_HUB_API);
        }
        return URI.create((isPlainHttp(domain) ? "http://" : "https://") + domain);
    }

    /** The base URIs to pull from, in order: mirrors first for Docker Hub. */
    public List<URI> pullBases(String domain) {
        List<URI> bases = new ArrayList<>();
        if (domain.equals(ImageReference.DEFAULT_DOMAIN)) {
            bases.addAll(mirrors);
        }
        bases.add(base(domain));
        return bases;
    }

    /** True for registries spoken to over plain HTTP. */
    public boolean isPlainHttp(String domain) {
        String host = host(domain);
        if (host.equals("localhost") || insecure.contains(domain) || insecure.contains(host)) {
            return true;
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup happens
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** "127.0.0.1:5000" → "127.0.0.1", "[::1]:5000" → "::1", "localhost" → "localhost". */
    static String host(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        if (lower.startsWith("[")) {
            int end = lower.indexOf(']');
            return end < 0 ? lower : lower.substring(1, end);
        }
        int colon = lower.lastIndexOf(':');
        return colon < 0 ? lower : lower.substring(0, colon);
    }

    /** "https://index.docker.io/v1/" → "docker.io"; "http://127.0.0.1:5000/" → "127.0.0.1:5000"; a bare name stays. */
    public static String domainOf(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) {
            return ImageReference.DEFAULT_DOMAIN;
        }
        String domain = stripScheme(serverAddress.strip());
        int slash = domain.indexOf('/');
        if (slash >= 0) {
            domain = domain.substring(0, slash);
        }
        return switch (domain) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> ImageReference.DEFAULT_DOMAIN;
            default -> domain;
        };
    }

    private static String stripScheme(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://")) {
            return address.substring(7);
        }
        return lower.startsWith("https://") ? address.substring(8) : address;
    }
}
