package io.jmachine.drivers.kvm;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * A libvirt connection URI (--kvm-uri) as the kvm driver reads it: whether the libvirtd it reaches runs its QEMU beside
 * this process's files, and which host its forwards are reached at.
 */
record LibvirtUri(String uri) {

    /** The libvirt host's name or address: none for a local URI ({@code qemu:///system}, also with {@code ?socket=}). */
    Optional<String> host() {
        try {
            URI parsed = URI.create(uri);
            String host = parsed.getHost();
            return host == null || host.isEmpty() ? Optional.empty() : Optional.of(stripBrackets(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    boolean remote() {
        return host().isPresent();
    }

    /**
     * Whether QEMU runs on this host's file system: only the local libvirtd's own socket says so. A {@code ?socket=} URI
     * may reach a libvirtd in a container, whose QEMU sees other files; a remote host sees none of ours.
     */
    boolean sharesThisHostsFiles() {
        if (remote()) {
            return false;
        }
        try {
            String query = URI.create(uri).getRawQuery();
            return query == null || Arrays.stream(query.split("&")).noneMatch(param -> param.startsWith("socket="));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Where the VM's forwarded ports are reached: the libvirt host's address, or loopback for a local libvirtd. */
    String defaultForwardAddress() {
        return host().orElse("127.0.0.1");
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public String toString() {
        return uri;
    }
}
