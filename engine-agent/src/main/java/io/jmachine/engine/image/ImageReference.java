package io.jmachine.engine.image;

import io.jmachine.engine.errors.EngineException;

import java.util.regex.Pattern;

/**
 * A normalized image reference, as docker's distribution/reference: {@code busybox} is
 * {@code docker.io/library/busybox:latest}, shown in familiar form ({@code busybox:latest});
 * {@code localhost/acc/busybox:1} and {@code 127.0.0.1:5000/x:y} keep their registry.
 *
 * @param domain the registry ("docker.io" for Docker Hub)
 * @param path   the repository path below the registry ("library/busybox")
 * @param tag    the tag, or null when the reference is by digest only
 * @param digest the digest ("sha256:…"), or null
 */
public record ImageReference(String domain, String path, String tag, String digest) {

    public static final String DEFAULT_DOMAIN = "docker.io";
    private static final String LEGACY_DOMAIN = "index.docker.io";
    private static final String OFFICIAL_PREFIX = "library/";
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    /** Parses and normalizes; a reference without tag or digest gets the tag "latest". 400 when malformed. */
    public static ImageReference parse(String text) {
        ImageReference reference = parseName(text, true);
        return reference.tag == null && reference.digest == null
                ? new ImageReference(reference.domain, reference.path, "latest", null) : reference;
    }

    /** Parses without adding "latest": the tag stays null when the text has none (for "all tags of a repository"). */
    public static ImageReference parseName(String text, boolean allowTagOrDigest) {
        if (text == null || text.isEmpty()) {
            throw invalid(text, "empty reference");
        }
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!Digest.isDigest(digest)) {
                throw invalid(text, "invalid digest " + digest);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "invalid tag " + tag);
            }
        }
        if (!allowTagOrDigest && (tag != null || digest != null)) {
            throw invalid(text, "a repository name without tag or digest was expected");
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost") && first.equals(first.toLowerCase()))) {
            domain = DEFAULT_DOMAIN;
            path = rest;
        } else {
            domain = first;
            path = rest.substring(slash + 1);
        }
        if (domain.equals(LEGACY_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
        }
        if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
            path = OFFICIAL_PREFIX + path;
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw invalid(text, "invalid registry " + domain);
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw invalid(text, component.equals(component.toLowerCase(java.util.Locale.ROOT))
                        ? "invalid repository name component \"" + component + "\"" : "repository name must be lowercase");
            }
        }
        if (domain.length() + 1 + path.length() > 255) {
            throw invalid(text, "repository name must not be more than 255 characters");
        }
        return new ImageReference(domain, path, tag, digest);
    }

    private static EngineException invalid(String text, String why) {
        return EngineException.invalid("invalid reference format: " + text + ": " + why);
    }

    public ImageReference withTag(String newTag) {
        if (!TAG.matcher(newTag).matches()) {
            throw invalid(newTag, "invalid tag " + newTag);
        }
        return new ImageReference(domain, path, newTag, null);
    }

    /** The full repository name, "docker.io/library/busybox". */
    public String name() {
        return domain + "/" + path;
    }

    /** The repository in familiar form: "busybox", "acc/app", "localhost/acc/busybox". */
    public String familiarName() {
        if (!domain.equals(DEFAULT_DOMAIN)) {
            return name();
        }
        return path.startsWith(OFFICIAL_PREFIX) && path.indexOf('/', OFFICIAL_PREFIX.length()) < 0
                ? path.substring(OFFICIAL_PREFIX.length()) : path;
    }

    /** "busybox:latest", "localhost/acc/busybox:1", "x@sha256:…". */
    public String familiar() {
        return familiarName() + suffix();
    }

    /** "docker.io/library/busybox:latest": the form stored and compared. */
    @Override
    public String toString() {
        return name() + suffix();
    }

    private String suffix() {
        return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** repo may carry its own tag; an explicit tag wins; neither means "latest". Null when repo is empty. */
    static ImageReference ofRepoAndTag(String repo, String tag) {
        if (repo == null || repo.isEmpty()) {
            return null;
        }
        if (repo.matches("(sha256:)?[0-9a-f]{64}")) {
            throw EngineException.invalid("invalid repository name (" + repo + "), cannot specify 64-byte hexadecimal strings");
        }
        ImageReference reference = parse(repo);
        return tag == null || tag.isEmpty() ? reference : reference.withTag(tag);
    }
}
