package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PortForwarding.Forward;
import io.jmachine.drivers.PortForwarding.Published;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KvmForwardsTest {

    @TempDir
    Path dir;

    /** QEMU's user-mode forwards as its monitor shows and changes them; ports in {@code taken} are held by something on the host. */
    static final class FakeQemu implements KvmForwards.Monitor {
        final Map<String, HostForward> rules = new LinkedHashMap<>();
        final Set<Integer> taken = new java.util.HashSet<>();
        final List<String> commands = new ArrayList<>();
        boolean running = true;
        Runnable beforeAdd = () -> { };

        FakeQemu(HostForward... own) {
            for (HostForward f : own) {
                rules.put(f.removeSpec(), f);
            }
        }

        @Override
        public String command(String hmp) {
            if (!running) {
                throw new DriverException("vm1 is not running");
            }
            commands.add(hmp);
            String[] words = hmp.split(" ");
            switch (words[0]) {
                case "info": {
                    StringBuilder out = new StringBuilder("Hub -1 (n0):\r\n  Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ\r\n");
                    rules.values().forEach(f -> out.append(String.format("  %s[HOST_FORWARD]  %2d %15s %5d %15s %5d     0     0\r\n",
                            f.proto().toUpperCase(), 9, f.hostIp(), f.hostPort(), "10.0.2.15", f.guestPort())));
                    out.append("  TCP[ESTABLISHED]   17       127.0.0.1 40022       10.0.2.15    22     0     0\r\n");
                    return out.toString();
                }
                case "hostfwd_add": {
                    beforeAdd.run();
                    String[] spec = words[2].split("[:-]+");
                    HostForward f = new HostForward(spec[0], spec[1], Integer.parseInt(spec[2]), Integer.parseInt(spec[3]));
                    if (taken.contains(f.hostPort()) || rules.containsKey(f.removeSpec())) {
                        return "Could not set up host forwarding rule '" + words[2] + "'\r\n";
                    }
                    rules.put(f.removeSpec(), f);
                    return "";
                }
                case "hostfwd_remove":
                    return rules.remove(words[2]) != null ? "" : "host forwarding rule for " + words[2] + " not found\r\n";
                default:
                    throw new IllegalArgumentException(hmp);
            }
        }
    }

    private static final HostForward SSH = new HostForward("tcp", "127.0.0.1", 40022, 22);
    private static final HostForward ENGINE = new HostForward("tcp", "127.0.0.1", 40376, 2376);

    private final FakeQemu qemu = new FakeQemu(SSH, ENGINE);

    private KvmForwards forwards() {
        return new KvmForwards(qemu, List.of(SSH, ENGINE), "127.0.0.1", ip -> ip.equals("192.0.2.7"), dir.resolve("forwards.json"));
    }

    private static Published tcp(int port) {
        return new Published("tcp", "0.0.0.0", port);
    }

    @Test
    void aPublishedPortIsForwardedOnLoopbackToTheSameGuestPortAndRecorded() {
        List<Forward> outcome = forwards().reconcile(List.of(tcp(8080), new Published("tcp", "::", 8080), new Published("udp", "0.0.0.0", 5353)));
        assertEquals(List.of(new Forward("tcp", "127.0.0.1", 8080, 8080, null), new Forward("udp", "127.0.0.1", 5353, 5353, null)), outcome);
        assertEquals(new HostForward("tcp", "127.0.0.1", 8080, 8080), qemu.rules.get("tcp:127.0.0.1:8080"));
        assertEquals(new HostForward("udp", "127.0.0.1", 5353, 5353), qemu.rules.get("udp:127.0.0.1:5353"));
        assertEquals(outcome, forwards().recorded());
    }

    @Test
    void aPortPublishedOnAnAddressTheHostHasIsForwardedThereAndOnAnyOtherOnLoopback() {
        forwards().reconcile(List.of(new Published("tcp", "192.0.2.7", 81), new Published("tcp", "198.51.100.1", 82)));
        assertTrue(qemu.rules.containsKey("tcp:192.0.2.7:81"));
        assertTrue(qemu.rules.containsKey("tcp:127.0.0.1:82"));
    }

    @Test
    void theForwardAddressFlagIsUsedForPortsPublishedOnEveryAddress() {
        new KvmForwards(qemu, List.of(SSH, ENGINE), "0.0.0.0", ip -> false, dir.resolve("f.json")).reconcile(List.of(tcp(8080)));
        assertTrue(qemu.rules.containsKey("tcp:0.0.0.0:8080"));
    }

    @Test
    void aForwardGoesWhenNoContainerPublishesItAndTheMachinesOwnStay() {
        forwards().reconcile(List.of(tcp(8080), tcp(8081)));
        forwards().reconcile(List.of(tcp(8081)));
        assertEquals(Set.of("tcp:127.0.0.1:40022", "tcp:127.0.0.1:40376", "tcp:127.0.0.1:8081"), qemu.rules.keySet());
        forwards().reconcile(List.of());
        assertEquals(Set.of("tcp:127.0.0.1:40022", "tcp:127.0.0.1:40376"), qemu.rules.keySet());
        assertEquals(List.of(), forwards().recorded());
    }

    @Test
    void aContainerThatDiesWhileItsForwardIsAddedLosesItAtTheNextReconcile() {
        // the container is listed, then dies while hostfwd_add runs: the forward is made, and the reconcile its death triggers removes it
        qemu.beforeAdd = () -> qemu.beforeAdd = () -> { };
        forwards().reconcile(List.of(tcp(8080)));
        assertTrue(qemu.rules.containsKey("tcp:127.0.0.1:8080"));
        forwards().reconcile(List.of());
        assertEquals(Set.of("tcp:127.0.0.1:40022", "tcp:127.0.0.1:40376"), qemu.rules.keySet());
    }

    @Test
    void fiftyContainersPublishingAtOnceAreForwardedInOneReconcileThatAnUnchangedListRepeatsWithNoChange() {
        List<Published> fifty = IntStream.range(0, 50).mapToObj(i -> tcp(20000 + i)).toList();
        List<Forward> outcome = forwards().reconcile(fifty);
        assertEquals(50, outcome.stream().filter(f -> f.error() == null).count());
        assertEquals(52, qemu.rules.size());
        qemu.commands.clear();
        forwards().reconcile(fifty);
        assertEquals(List.of("info usernet"), qemu.commands);
    }

    @Test
    void aPortTakenOnTheHostIsRecordedAsAClashNamingItAndRetriedUntilItIsFree() {
        qemu.taken.add(8082);
        List<Forward> outcome = forwards().reconcile(List.of(tcp(8080), tcp(8082)));
        assertNull(outcome.get(0).error());
        assertTrue(outcome.get(1).error().contains("127.0.0.1:8082/tcp not forwarded: the port is taken on the host"), outcome.get(1).error());
        assertTrue(forwards().recorded().get(1).error().contains("8082"));
        qemu.taken.clear();
        assertNull(forwards().reconcile(List.of(tcp(8080), tcp(8082))).get(1).error());
        assertTrue(qemu.rules.containsKey("tcp:127.0.0.1:8082"));
    }

    @Test
    void aPortOfTheMachinesOwnIsAClashAndNotTouched() {
        List<Forward> outcome = forwards().reconcile(List.of(tcp(40022)));
        assertTrue(outcome.get(0).error().contains("machine's own"));
        assertEquals(SSH, qemu.rules.get("tcp:127.0.0.1:40022"));
    }

    @Test
    void aRestartedVmGetsItsForwardsBackFromTheNextReconcile() {
        forwards().reconcile(List.of(tcp(8080)));
        qemu.rules.keySet().removeIf(k -> k.endsWith(":8080")); // a new QEMU has only the forwards of the domain XML
        forwards().reconcile(List.of(tcp(8080)));
        assertTrue(qemu.rules.containsKey("tcp:127.0.0.1:8080"));
    }

    @Test
    void aVmThatDoesNotRunIsAnErrorThatChangesNothing() {
        forwards().reconcile(List.of(tcp(8080)));
        qemu.running = false;
        assertThrows(DriverException.class, () -> forwards().reconcile(List.of()));
        assertEquals(1, forwards().recorded().size());
    }

    @Test
    void sctpAndPortlessEntriesAreSkipped() {
        assertEquals(List.of(), forwards().reconcile(List.of(new Published("sctp", "0.0.0.0", 9), new Published("tcp", "", 0))));
    }
}
