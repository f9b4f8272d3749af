package io.jmachine.engine.testing;

import java.io.IOException;
import java.nio.file.Path;

/** A busybox root file system tar made from the host's static /bin/busybox, as make_busybox_tar in the acceptance suite. */
public final class BusyboxRootfs {

    private BusyboxRootfs() {
    }

    public static Path tar(Path workDir) throws IOException, InterruptedException {
        Path root = workDir.resolve("busybox-root");
        Path tar = workDir.resolve("busybox.tar");
        String script = """
                set -e
                root="$1"; out="$2"
                mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/mnt" "$root/proc" "$root/sys" "$root/dev"
                cp /bin/busybox "$root/bin/busybox"
                for applet in $("$root/bin/busybox" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
                printf 'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/:/bin/false\\n' >"$root/etc/passwd"
                printf 'root:x:0:\\nnogroup:x:65534:\\n' >"$root/etc/group"
                chmod 1777 "$root/tmp"
                tar -C "$root" -cf "$out" .
                """;
        Process process = new ProcessBuilder("sh", "-c", script, "sh", root.toString(), tar.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException("making the busybox tar failed: " + output);
        }
        return tar;
    }
}
