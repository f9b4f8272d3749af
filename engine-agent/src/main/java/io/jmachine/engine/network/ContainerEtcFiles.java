package io.jmachine.engine.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a container's /etc/hostname, /etc/hosts and /etc/resolv.conf into its folder, for the engine to
 * bind-mount over the image's (as Docker does). DNS comes from the host, minus what a container cannot
 * reach; there is deliberately no public fallback server, so nothing talks to the internet unasked.
 */
public final class ContainerEtcFiles {

    /** The written files. */
    public record EtcFiles(Path hostname, Path hosts, Path resolvConf) {
    }

    /**
     * What a container adds to its files.
     *
     * @param extraHosts  lines for /etc/hosts, "address<TAB>names" (--add-host, --link)
     * @param dns         --dns: the nameservers (when the embedded DNS serves the container, where it forwards)
     * @param dnsSearch   --dns-search: replaces the host's search domains
     * @param dnsOptions  --dns-option: replaces the host's options
     * @param embeddedDns the address of the engine's DNS server for the container's network, or null
     */
    public record EtcOptions(List<String> extraHosts, List<String> dns, List<String> dnsSearch, List<String> dnsOptions,
                             String embeddedDns) {
        public static final EtcOptions NONE = new EtcOptions(List.of(), List.of(), List.of(), List.of(), null);

        public EtcOptions {
            extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
            dns = dns == null ? List.of() : List.copyOf(dns);
            dnsSearch = dnsSearch == null ? List.of() : List.copyOf(dnsSearch);
            dnsOptions = dnsOptions == null ? List.of() : List.copyOf(dnsOptions);
        }
    }

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,253})?");

    private final Path hostResolvConf;
    private final Path resolvedUpstream;
    private final Path hostHosts;

    /**
     * @param hostResolvConf   the host's resolv.conf
     * @param resolvedUpstream systemd-resolved's list of the real servers, used when the host's file names
     *                         only its local stub (127.0.0.53); need not exist
     * @param hostHosts        the host's hosts file, which host-mode containers share
     */
    public ContainerEtcFiles(Path hostResolvConf, Path resolvedUpstream, Path hostHosts) {
        this.hostResolvConf = hostResolvConf;
        this.resolvedUpstream = resolvedUpstream;
        this.hostHosts = hostHosts;
    }

    public static ContainerEtcFiles fromHost() {
        return new ContainerEtcFiles(Path.of("/etc/resolv.conf"), Path.of("/run/systemd/resolve/resolv.conf"), Path.of("/etc/hosts"));
    }

    /**
     * The three files in {@code containerDir}, made empty when missing: the runtime can bind-mount them before
     * {@link #write} gives them their content (which needs the container's addresses).
     */
    public EtcFiles reserve(Path containerDir) {
        EtcFiles files = new EtcFiles(containerDir.resolve("hostname"), containerDir.resolve("hosts"), containerDir.resolve("resolv.conf"));
        for (Path file : List.of(files.hostname(), files.hosts(), files.resolvConf())) {
            if (!Files.exists(file)) {
                write(file, "");
            }
        }
        return files;
    }

    /** Writes the three files into {@code containerDir} (which must exist), in place (see {@link #reserve}), mode 0644. */
    public EtcFiles write(Path containerDir, String hostname, NetworkAttachment attachment) {
        return write(containerDir, hostname, attachment, EtcOptions.NONE);
    }

    /** As {@link #write(Path, String, NetworkAttachment)}, with the container's own hosts and DNS settings. */
    public EtcFiles write(Path containerDir, String hostname, NetworkAttachment attachment, EtcOptions options) {
        if (hostname == null || !HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("invalid hostname " + hostname + ": use letters, digits, '-' and '.'");
        }
        boolean host = attachment.mode() instanceof NetworkMode.Host;
        EtcFiles files = new EtcFiles(containerDir.resolve("hostname"), containerDir.resolve("hosts"), containerDir.resolve("resolv.conf"));
        write(files.hostname(), hostname + "\n");
        String hostsOfHost = host ? read(hostHosts) : "";
        StringBuilder hosts = new StringBuilder(!hostsOfHost.isBlank() ? hostsOfHost : hostsContent(hostname, attachment.ipAddress()));
        if (!hosts.isEmpty() && hosts.charAt(hosts.length() - 1) != '\n') {
            hosts.append('\n');
        }
        options.extraHosts().forEach(line -> hosts.append(line).append('\n'));
        write(files.hosts(), hosts.toString());
        // on the host's network its loopback resolvers are reachable: share its file as it is
        String base = host ? read(hostResolvConf) : filterResolvConf(hostResolvConfForContainers());
        write(files.resolvConf(), resolvConf(base, options));
        return files;
    }

    /**
     * The host's file with the container's settings applied: the embedded DNS as the only nameserver when it
     * serves the container (as Docker's 127.0.0.11), else --dns if given; --dns-search and --dns-option
     * replace the host's lines of their kind.
     */
    static String resolvConf(String base, EtcOptions options) {
        List<String> nameservers = options.embeddedDns() != null ? List.of(options.embeddedDns()) : options.dns();
        if (nameservers.isEmpty() && options.dnsSearch().isEmpty() && options.dnsOptions().isEmpty()) {
            return base;
        }
        StringBuilder out = new StringBuilder();
        for (String line : base.lines().toList()) {
            String first = line.strip().split("\\s+")[0];
            boolean replaced = (first.equals("nameserver") && !nameservers.isEmpty())
                    || ((first.equals("search") || first.equals("domain")) && !options.dnsSearch().isEmpty())
                    || (first.equals("options") && !options.dnsOptions().isEmpty())
                    || (first.startsWith("#") && !nameservers.isEmpty() && line.contains("nameserver"));
            if (!replaced) {
                out.append(line).append('\n');
            }
        }
        if (options.embeddedDns() != null && !options.dns().isEmpty()) {
            out.append("# ExtServers: [").append(String.join(" ", options.dns())).append("]\n");
        }
        nameservers.forEach(server -> out.append("nameserver ").append(server).append('\n'));
        if (!options.dnsSearch().isEmpty()) {
            out.append("search ").append(String.join(" ", options.dnsSearch())).append('\n');
        }
        if (!options.dnsOptions().isEmpty()) {
            out.append("options ").append(String.join(" ", options.dnsOptions())).append('\n');
        }
        return out.toString();
    }

    /** The host's nameservers a container (or the engine on its behalf) can use: not loopback, IPv4. */
    public List<String> hostNameservers() {
        List<String> servers = new ArrayList<>();
        for (String line : hostResolvConfForContainers().lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver") && reachableFromContainer(words[1])) {
                servers.add(words[1]);
            }
        }
        return servers;
    }

    /** Docker's hosts file: loopback names, the IPv6 well-known names, and the container's own name on its address. */
    static String hostsContent(String hostname, String ipAddress) {
        StringBuilder hosts = new StringBuilder()
                .append("127.0.0.1\tlocalhost\n")
                .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
                .append("fe00::\tip6-localnet\n")
                .append("ff00::\tip6-mcastprefix\n")
                .append("ff02::1\tip6-allnodes\n")
                .append("ff02::2\tip6-allrouters\n");
        if (ipAddress != null) {
            hosts.append(ipAddress).append('\t').append(hostname).append('\n');
        }
        return hosts.toString();
    }

    /**
     * The host's resolv.conf for a container in its own namespace: loopback nameservers are dropped (they
     * would be the container's own loopback), and so are IPv6 ones (containers have IPv4 only). search,
     * options and the rest are kept. Nothing is added in their place.
     */
    static String filterResolvConf(String hostResolvConf) {
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String line : hostResolvConf.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver") && !reachableFromContainer(words[1])) {
                dropped.add(words[1]);
            } else {
                kept.add(line);
            }
        }
        boolean anyNameserver = kept.stream().anyMatch(l -> l.strip().startsWith("nameserver"));
        StringBuilder out = new StringBuilder();
        if (!dropped.isEmpty()) {
            out.append("# jmachine-engine left out the host's nameservers ").append(String.join(", ", dropped))
                    .append(": unreachable from a container\n");
        }
        if (!anyNameserver) {
            out.append("# no nameserver: names resolve only through /etc/hosts\n");
        }
        kept.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    private static boolean reachableFromContainer(String nameserver) {
        if (nameserver.contains(":")) {
            return false;
        }
        return !nameserver.startsWith("127.") && !nameserver.equals("0.0.0.0");
    }

    /** systemd-resolved's stub is on loopback; its upstream list is what containers can use instead. */
    private String hostResolvConfForContainers() {
        String content = read(hostResolvConf);
        boolean onlyLoopback = content.lines().map(String::strip).filter(l -> l.startsWith("nameserver"))
                .allMatch(l -> l.split("\\s+").length >= 2 && l.split("\\s+")[1].startsWith("127."));
        boolean hasNameserver = content.lines().anyMatch(l -> l.strip().startsWith("nameserver"));
        if (hasNameserver && onlyLoopback && Files.isReadable(resolvedUpstream)) {
            return read(resolvedUpstream);
        }
        return content;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return ""; // a host without it (a minimal image): the container gets localhost names only
        } catch (IOException e) {
            throw new NetworkException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * In place, as dockerd writes them: a bind mount holds the file it was made with, so a replacing rename would
     * not reach a created container. No fsync: they are written anew at each start.
     */
    private static void write(Path file, String content) {
        try {
            Files.write(file, content.getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new NetworkException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
