package io.jmachine.drivers.kvm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.PortForwarding;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The forwards of a VM on QEMU's user-mode networking, changed at run time through the QEMU monitor (libvirt's monitor
 * passthrough: hostfwd_add, hostfwd_remove, info usernet), and recorded in the machine's forwards.json for `ls` and
 * `inspect`. QEMU's own table is the truth: a restarted VM starts with only the machine's own forwards, and the next
 * reconcile adds the rest.
 */
final class KvmForwards implements PortForwarding {

    /** QEMU's human monitor of the machine's VM; throws {@link DriverException} when the VM does not run. */
    interface Monitor {
        String command(String hmp);
    }

    /** The id of the user-mode netdev in the domain XML. */
    static final String NETDEV = "n0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Monitor monitor;
    private final List<HostForward> own;
    private final String forwardAddress;
    private final Predicate<String> hostHas;
    private final Path ledger;

    /**
     * @param own    the machine's own forwards (SSH, engine, --kvm-port-forward): never removed
     * @param ledger where the outcome is recorded
     */
    KvmForwards(Monitor monitor, List<HostForward> own, String forwardAddress, Predicate<String> hostHas, Path ledger) {
        this.monitor = monitor;
        this.own = own;
        this.forwardAddress = forwardAddress;
        this.hostHas = hostHas;
        this.ledger = ledger;
    }

    @Override
    public List<Forward> reconcile(List<Published> ports) {
        List<HostForward> desired = ForwardPlan.desired(ports, forwardAddress, hostHas);
        List<HostForward> present = UsernetTable.forwards(monitor.command("info usernet"));
        ForwardPlan plan = ForwardPlan.of(desired, present, own);
        for (HostForward gone : plan.remove()) {
            monitor.command("hostfwd_remove " + NETDEV + " " + gone.removeSpec());
        }
        List<Forward> outcome = new ArrayList<>();
        for (HostForward want : desired) {
            String error = null;
            if (plan.clashes().contains(want)) {
                error = want.hostIp() + ":" + want.hostPort() + "/" + want.proto() + " is one of the machine's own forwards (SSH, engine or "
                        + "--kvm-port-forward); publish another port";
            } else if (plan.add().contains(want)) {
                String answer = monitor.command("hostfwd_add " + NETDEV + " " + want.addSpec()).strip();
                if (!answer.isEmpty()) {
                    // QEMU says only "Could not set up host forwarding rule": the bind failed, which is nearly always a taken port
                    error = want.hostIp() + ":" + want.hostPort() + "/" + want.proto() + " not forwarded: the port is taken on the host "
                            + "(QEMU: " + answer + "); free it, and the forward follows within seconds";
                }
            }
            outcome.add(new Forward(want.proto(), want.hostIp(), want.hostPort(), want.guestPort(), error));
        }
        record(outcome);
        return outcome;
    }

    @Override
    public List<Forward> recorded() {
        if (!Files.isRegularFile(ledger)) {
            return List.of();
        }
        try {
            return JSON.readValue(ledger.toFile(), new TypeReference<List<Forward>>() { });
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Forgets the record, as when the VM stops: its forwards go with its QEMU. */
    void forget() {
        try {
            Files.deleteIfExists(ledger);
        } catch (IOException e) {
            // a stale record is only shown while the machine runs, when the agent rewrites it
        }
    }

    private void record(List<Forward> outcome) {
        try {
            Path temp = ledger.resolveSibling(ledger.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), outcome);
            Files.move(temp, ledger, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DriverException("cannot record the forwards in " + ledger + ": " + e.getMessage(), e);
        }
    }

    /** Whether an address is one of this host's: a forward can listen only there. */
    static boolean hostHasAddress(String address) {
        try {
            InetAddress inet = InetAddress.getByName(address);
            return inet.isLoopbackAddress() || NetworkInterface.getByInetAddress(inet) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
