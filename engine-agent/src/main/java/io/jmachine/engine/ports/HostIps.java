package io.jmachine.engine.ports;

import io.jmachine.engine.errors.EngineException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** The host side's address as Docker takes it: an IP literal, empty for every IPv4 address (0.0.0.0). */
final class HostIps {

    static final String ANY_IPV4 = "0.0.0.0";
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private HostIps() {
    }

    /** Normalizes and checks a HostIp; names are refused rather than resolved, as dockerd does. */
    static String normalize(String hostIp) {
        if (hostIp == null || hostIp.isEmpty()) {
            return ANY_IPV4;
        }
        String ip = hostIp.startsWith("[") && hostIp.endsWith("]") ? hostIp.substring(1, hostIp.length() - 1) : hostIp;
        var v4 = IPV4.matcher(ip);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    throw invalid(hostIp);
                }
            }
            return ip;
        }
        if (ip.contains(":") && IPV6.matcher(ip).matches()) {
            try {
                return InetAddress.getByName(ip).getHostAddress();
            } catch (UnknownHostException e) {
                throw invalid(hostIp);
            }
        }
        throw invalid(hostIp);
    }

    static boolean isAny(String ip) {
        return ip.equals(ANY_IPV4) || ip.equals("0:0:0:0:0:0:0:0");
    }

    static String withPort(String ip, String port) {
        return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    private static EngineException invalid(String hostIp) {
        return EngineException.invalid("invalid IP address in port binding: " + hostIp + " (use an IP literal such as 127.0.0.1, "
                + "or leave it empty for every address)");
    }
}
