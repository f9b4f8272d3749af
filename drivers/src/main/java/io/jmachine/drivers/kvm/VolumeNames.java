package io.jmachine.drivers.kvm;

import java.util.List;
import java.util.Locale;

/**
 * Names of the kvm driver's volumes in a libvirt storage pool. Shared images are named by their content's SHA-256 (so a
 * name is complete only once uploaded and checked); a machine's volumes by the machine, as its domain is.
 */
final class VolumeNames {

    static final String PREFIX = "jmachine-";
    private static final String SHARED = PREFIX + "image-";
    private static final String PART = ".part-";

    private VolumeNames() {
    }

    /** The shared volume of a file with this SHA-256 (hex): 24 hex digits (96 bits) keep names short and unique. */
    static String shared(String sha256Hex) {
        if (!sha256Hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256Hex);
        }
        return SHARED + sha256Hex.substring(0, 24).toLowerCase(Locale.ROOT);
    }

    /** Held while one create uploads {@code shared}: libvirt makes a volume name once, so only one create gets it. */
    static String lock(String shared) {
        return shared + ".lock";
    }

    /** Where an upload of {@code shared} goes until it is complete and checked: never mistaken for the shared volume. */
    static String part(String shared, String token) {
        return shared + PART + token;
    }

    static boolean isPartOf(String shared, String volume) {
        return volume.startsWith(shared + PART);
    }

    static String disk(String machine) {
        return PREFIX + machine + "-disk.qcow2";
    }

    static String seed(String machine) {
        return PREFIX + machine + "-seed.iso";
    }

    static String bundle(String machine) {
        return PREFIX + machine + "-bundle.img";
    }

    /** Everything a machine owns in the pool, which `rm` deletes; never a shared image. */
    static List<String> ofMachine(String machine) {
        return List.of(disk(machine), seed(machine), bundle(machine));
    }
}
