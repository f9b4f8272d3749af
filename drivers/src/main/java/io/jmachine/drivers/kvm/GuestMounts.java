package io.jmachine.drivers.kvm;

import java.util.List;

/**
 * The guest's side of the host folders. Each is mounted with virtio-fs under /var/lib/jmachine/hostfs/TAG, and shown at
 * its guest path through bindfs: the guest kernel checks virtio-fs accesses against the host's owners and modes, so a
 * container running as 1234 could not write into a folder of the host's root; through bindfs (as root, modes shown
 * a+rwX, files created as root and then given to their caller) it can, and the file is 1234's on the host, while the
 * host's own modes stay as they are. A oneshot unit ordered before the engine mounts them at every boot; cloud-init's
 * bootcmd (re)writes it at each boot and starts it at the first.
 */
final class GuestMounts {

    static final String UNIT = "jmachine-host-folders.service";
    static final String SCRIPT = "/var/lib/jmachine/host-folders.sh";
    private static final String ENGINE_SERVICE = "jmachine-engine.service";

    private GuestMounts() {
    }

    /** A POSIX shell script for bootcmd that installs and starts the mounting unit; null for no mounts. */
    static String script(List<HostMount> mounts) {
        if (mounts.isEmpty()) {
            return null;
        }
        StringBuilder calls = new StringBuilder();
        for (int i = 0; i < mounts.size(); i++) {
            HostMount mount = mounts.get(i);
            calls.append("m ").append(HostMount.tag(i)).append(' ').append(shellQuote(mount.guestPath()))
                    .append(mount.readOnly() ? " ro" : " rw").append('\n');
        }
        return """
                # jmachine: the host's folders at the same path (virtio-fs, shown through bindfs), mounted before the engine
                mkdir -p /var/lib/jmachine /etc/systemd/system/multi-user.target.wants
                %5$s                cat > %1$s <<'JMACHINE_EOF'
                m() { # TAG GUEST_PATH ro|rw
                  under=/var/lib/jmachine/hostfs/$1
                  mkdir -p "$under" "$2"
                  mountpoint -q "$under" || mount -t virtiofs -o "$3" "$1" "$under" || { echo "jmachine: cannot mount the host folder $1 at $2" >&2; return 0; }
                  mountpoint -q "$2" && return 0
                  if command -v bindfs >/dev/null; then
                    # libfuse 2 refuses a folder that holds files (root's home, the default mount as root) without
                    # nonempty, which libfuse 3 no longer knows: asked again with it only where the first try failed
                    bindfs -o "allow_other,perms=a+rwX,create-as-user,big_writes,$3" "$under" "$2" 2>/dev/null \\
                      || bindfs -o "nonempty,allow_other,perms=a+rwX,create-as-user,big_writes,$3" "$under" "$2"
                  else
                    mount --bind "$under" "$2"
                  fi
                }
                %2$sJMACHINE_EOF
                cat > /etc/systemd/system/%3$s <<'JMACHINE_EOF'
                [Unit]
                Description=jmachine: the host's folders at the same path
                After=local-fs.target
                Before=%4$s
                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=/bin/sh %1$s
                [Install]
                WantedBy=multi-user.target
                JMACHINE_EOF
                ln -sf /etc/systemd/system/%3$s /etc/systemd/system/multi-user.target.wants/%3$s
                # at first boot (a drop-in under /run, read when the unit is first loaded) the folders are mounted now, while
                # cloud-init's init stage goes on, not after it and sysinit.target: the engine's first start waits for them
                mkdir -p /run/systemd/system/%3$s.d
                printf '[Unit]\nDefaultDependencies=no\nAfter=local-fs.target\nConflicts=shutdown.target\nBefore=shutdown.target\n' \
                  > /run/systemd/system/%3$s.d/50-first-boot.conf
                # no daemon-reload (2-4 s under TCG, on SSH's path): systemd loads a unit it has not loaded yet when it is started
                systemctl start --no-block %3$s || true
                """.formatted(SCRIPT, calls, UNIT, ENGINE_SERVICE, mounts.stream().anyMatch(GuestMounts::coversRootHome) ? OWN_ROOT_HOME : "");
    }

    /**
     * Where the host's /root is mounted over the guest's (root's default mount), the guest's root gets a home of its own
     * before cloud-init's SSH module runs: the guest's tools (cloud-init rewriting root's authorized_keys, shell histories)
     * must never write into the host's home.
     */
    static final String OWN_ROOT_HOME = """
            mkdir -p -m 700 /var/lib/jmachine/root-home
            sed -i 's#^\\(root:[^:]*:[^:]*:[^:]*:[^:]*:\\)/root:#\\1/var/lib/jmachine/root-home:#' /etc/passwd
            """;

    static boolean coversRootHome(HostMount mount) {
        String path = mount.guestPath();
        return path.equals("/") || path.equals("/root") || "/root".startsWith(path + "/");
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
