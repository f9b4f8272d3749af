package io.jmachine.drivers.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The host forwards in QEMU's `info usernet` (HMP), which lists them with the user-mode network's open connections. */
final class UsernetTable {

    //   TCP[HOST_FORWARD]   8       127.0.0.1 18999       10.0.2.15    80     0     0
    private static final Pattern FORWARD = Pattern.compile(
            "^\\s*(TCP|UDP)\\[HOST_FORWARD]\\s+-?\\d+\\s+(\\S+)\\s+(\\d+)\\s+(\\S+)\\s+(\\d+)\\b", Pattern.MULTILINE);

    private UsernetTable() {
    }

    static List<HostForward> forwards(String infoUsernet) {
        List<HostForward> forwards = new ArrayList<>();
        Matcher m = FORWARD.matcher(infoUsernet);
        while (m.find()) {
            // QEMU shows a rule bound to every address as *
            String hostIp = "*".equals(m.group(2)) ? "0.0.0.0" : m.group(2);
            forwards.add(new HostForward(m.group(1).toLowerCase(java.util.Locale.ROOT), hostIp,
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(5))));
        }
        return forwards;
    }
}
