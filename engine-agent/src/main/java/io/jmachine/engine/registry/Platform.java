package io.jmachine.engine.registry;

import io.jmachine.engine.errors.EngineException;

import java.util.Locale;

/**
 * An OCI platform: os, architecture and optional variant ("linux/arm64/v8"). Architectures are Go's names.
 */
public record Platform(String os, String architecture, String variant) {

    /** This host's platform, as pulls pick it from a manifest list when the client names none. */
    public static Platform host() {
        String arch = System.getProperty("os.arch");
        return new Platform("linux", switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        }, null);
    }

    /** "linux", "linux/amd64", "linux/arm64/v8", "amd64" (the host's os); blank is the host's platform. */
    public static Platform parse(String text) {
        if (text == null || text.isBlank()) {
            return host();
        }
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/");
        Platform host = host();
        return switch (parts.length) {
            case 1 -> parts[0].equals("linux") || parts[0].equals("windows") || parts[0].equals("darwin")
                    ? new Platform(parts[0], host.architecture(), null) : new Platform(host.os(), normalizeArch(parts[0]), null);
            case 2 -> new Platform(parts[0], normalizeArch(parts[1]), null);
            case 3 -> new Platform(parts[0], normalizeArch(parts[1]), parts[2]);
            default -> throw EngineException.invalid("invalid platform " + text + ": use os[/arch[/variant]], e.g. linux/amd64");
        };
    }

    /** True when an image made for {@code offered} runs here as this platform asks: same os and arch, variant if asked. */
    public boolean accepts(Platform offered) {
        if (offered == null) {
            return false;
        }
        boolean sameVariant = variant == null || variant.equals(offered.variant())
                || (offered.variant() == null && architecture.equals("arm64") && variant.equals("v8"));
        return os.equals(offered.os()) && architecture.equals(normalizeArch(offered.architecture())) && sameVariant;
    }

    private static String normalizeArch(String arch) {
        return switch (arch == null ? "" : arch) {
            case "x86_64", "x86-64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
