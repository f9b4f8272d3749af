package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.errors.EngineException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Device nodes of the host for {@code --device} and {@code --privileged}, read with lstat as containerd does. */
public final class HostDevices {

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    /** Directories of /dev that are the container's own or not devices at all (containerd's HostDevices skips them). */
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");

    private final Path devRoot;

    public HostDevices() {
        this(Path.of("/dev"));
    }

    /** @param devRoot the host's /dev (another root only in tests) */
    public HostDevices(Path devRoot) {
        this.devRoot = devRoot;
    }

    /** A device plus the cgroup rule that lets the container use it. */
    public record Passed(OciSpec.Device device, OciSpec.DeviceRule rule) {
    }

    /** Every device node under /dev, for {@code --privileged}; the console is the container's own. */
    public List<OciSpec.Device> all() {
        List<OciSpec.Device> devices = new ArrayList<>();
        collect(devRoot, devices);
        return devices;
    }

    /**
     * The devices of one {@code --device}: a node, or every node under a directory with its path mapped.
     *
     * @throws EngineException INVALID, when the host path is neither
     */
    public List<Passed> forMapping(DeviceMapping mapping) {
        Path host = mapping.pathOnHost();
        try {
            Optional<OciSpec.Device> single = device(host, mapping.pathInContainer());
            if (single.isPresent()) {
                return List.of(new Passed(single.get(), rule(single.get(), mapping.permissions())));
            }
        } catch (NoSuchFileException e) {
            throw EngineException.invalid("error gathering device information while adding custom device \"" + host
                    + "\": no such file or directory");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the device " + host + ": " + e.getMessage(), e);
        }
        if (!Files.isDirectory(host)) {
            throw EngineException.invalid("error gathering device information while adding custom device \"" + host + "\": not a device node");
        }
        List<Passed> passed = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(host)) {
            for (Path node : (Iterable<Path>) walk::iterator) {
                String inContainer = mapping.pathInContainer() + "/" + host.relativize(node);
                device(node, inContainer).ifPresent(d -> passed.add(new Passed(d, rule(d, mapping.permissions()))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk the device directory " + host + ": " + e.getMessage(), e);
        }
        if (passed.isEmpty()) {
            throw EngineException.invalid("error gathering device information while adding custom device \"" + host + "\": no device nodes in it");
        }
        return passed;
    }

    /** The device at a host path, seen in the container at {@code containerPath}; empty when it is not a device node. */
    static Optional<OciSpec.Device> device(Path host, String containerPath) throws IOException {
        int mode = (Integer) Files.getAttribute(host, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        String type = switch (mode & S_IFMT) {
            case S_IFCHR -> "c";
            case S_IFBLK -> "b";
            default -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        long rdev = (Long) Files.getAttribute(host, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) Files.getAttribute(host, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(host, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        return Optional.of(new OciSpec.Device(type, containerPath, major(rdev), minor(rdev), mode & 07777, (long) uid, (long) gid));
    }

    /** glibc's gnu_dev_major: 12 bits split over the low and high words. */
    static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & 0xfffff000L);
    }

    static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & 0xffffff00L);
    }

    private static OciSpec.DeviceRule rule(OciSpec.Device device, String permissions) {
        return new OciSpec.DeviceRule(true, device.type(), device.major(), device.minor(), permissions);
    }

    private void collect(Path dir, List<OciSpec.Device> into) {
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " for the host's devices: " + e.getMessage(), e);
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                if (!SKIPPED_DIRS.contains(name)) {
                    collect(entry, into);
                }
                continue;
            }
            if (name.equals("console")) {
                continue;
            }
            try {
                String inContainer = "/dev/" + devRoot.relativize(entry);
                device(entry, inContainer).ifPresent(into::add);
            } catch (NoSuchFileException gone) {
                // a node removed while listing (udev at work): nothing to pass
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the device " + entry + ": " + e.getMessage(), e);
            }
        }
    }
}
