package io.jmachine.drivers.kvm;

import java.util.List;

/**
 * The guest's side of the host folders: lines of /etc/fstab, rewritten at every boot (cloud-init's bootcmd), so that
 * systemd mounts them before the engine starts, at every boot; a folder that does not mount does not stop the boot.
 */
final class GuestMounts {

    static final String BEGIN = "# jmachine host folders (virtio-fs): rewritten at each boot";
    static final String END = "# end of jmachine host folders";
    private static final String ENGINE_SERVICE = "jmachine-engine.service";

    private GuestMounts() {
    }

    /** A POSIX shell script that writes the fstab lines and mounts what is not mounted yet; null for no mounts. */
    static String script(List<HostMount> mounts) {
        if (mounts.isEmpty()) {
            return null;
        }
        StringBuilder fstab = new StringBuilder(BEGIN).append('\n');
        StringBuilder mountNow = new StringBuilder();
        for (int i = 0; i < mounts.size(); i++) {
            HostMount mount = mounts.get(i);
            fstab.append(fstabLine(HostMount.tag(i), mount)).append('\n');
            String where = shellQuote(mount.guestPath());
            mountNow.append("mkdir -p ").append(where).append(" && { mountpoint -q ").append(where).append(" || mount -t virtiofs")
                    .append(mount.readOnly() ? " -o ro " : " ").append(HostMount.tag(i)).append(' ').append(where).append("; } || true\n");
        }
        fstab.append(END);
        return "# jmachine: host folders at the same path (virtio-fs)\n"
                + "sed -i '/^" + BEGIN + "$/,/^" + END + "$/d' /etc/fstab\n"
                + "printf '%s\\n' " + shellQuote(fstab.toString()) + " >> /etc/fstab\n"
                + mountNow;
    }

    static String fstabLine(String tag, HostMount mount) {
        return tag + " " + fstabEscape(mount.guestPath()) + " virtiofs " + (mount.readOnly() ? "ro" : "rw")
                + ",nofail,x-systemd.before=" + ENGINE_SERVICE + " 0 0";
    }

    /** fstab separates fields by blanks: spaces, tabs and backslashes in a path are written in octal. */
    static String fstabEscape(String path) {
        return path.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
