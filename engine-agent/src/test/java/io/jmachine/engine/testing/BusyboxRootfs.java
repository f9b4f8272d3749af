package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A root filesystem made from the host's static busybox, the shape of make_busybox_tar in the acceptance
 * scripts: /bin/busybox with a symlink per applet, root and nobody in /etc/passwd and /etc/group.
 */
public final class BusyboxRootfs {

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxRootfs() {
    }

    /** The root filesystem as a folder. */
    public static Path create(Path root) throws IOException, InterruptedException {
        for (String dir : new String[] {"bin", "etc", "tmp", "root", "mnt", "proc", "sys", "dev"}) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.copy(BUSYBOX, root.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        String applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (list.waitFor() != 0) {
            throw new IOException("busybox --list failed: " + applets + " (install busybox-static)");
        }
        for (String applet : applets.split("\n")) {
            Path link = root.resolve("bin").resolve(applet.trim());
            if (!applet.isBlank() && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        Files.setAttribute(root.resolve("tmp"), "unix:mode", 01777);
        return root;
    }

    /** The root filesystem as a tar, for docker import: {@code <workDir>/busybox.tar}. */
    public static Path tar(Path workDir) throws IOException, InterruptedException {
        Path root = create(workDir.resolve("busybox-root"));
        Path tar = workDir.resolve("busybox.tar");
        Process process = new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("making the busybox tar failed: " + output);
        }
        return tar;
    }
}
