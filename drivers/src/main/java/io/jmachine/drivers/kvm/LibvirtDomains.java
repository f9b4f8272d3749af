package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.drivers.MachineState;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error;
import org.libvirt.LibvirtException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The libvirt calls the kvm driver makes, each on its own connection (a CLI run makes a handful). */
final class LibvirtDomains {

    private final String uri;

    LibvirtDomains(String uri) {
        this.uri = uri;
    }

    /** Connects once, so that a create fails before it writes anything when libvirtd does not answer. */
    void check() {
        with("connect to " + uri, connect -> connect.getLibVersion());
    }

    void defineAndStart(String xml) {
        with("define and start the domain", connect -> {
            Domain domain = connect.domainDefineXML(xml);
            try {
                return domain.create();
            } catch (LibvirtException e) {
                // a domain that never ran is useless: leave nothing for rm to trip over
                domain.undefine();
                throw e;
            }
        });
    }

    /** Defines the domain without starting it (an imported machine). */
    void define(String xml) {
        with("define the domain", connect -> connect.domainDefineXML(xml));
    }

    void start(String name) {
        with("start " + name, connect -> {
            Domain domain = lookup(connect, name).orElseThrow(() -> missing(name));
            return domain.isActive() == 1 ? 0 : domain.create();
        });
    }

    /** Asks the guest to shut down (ACPI); returns at once. */
    void shutdown(String name) {
        with("shut down " + name, connect -> {
            Domain domain = lookup(connect, name).orElseThrow(() -> missing(name));
            if (domain.isActive() == 1) {
                domain.shutdown();
            }
            return 0;
        });
    }

    void destroy(String name) {
        with("stop " + name, connect -> {
            Optional<Domain> domain = lookup(connect, name);
            if (domain.isPresent() && domain.get().isActive() == 1) {
                domain.get().destroy();
            }
            return 0;
        });
    }

    /** Stops and forgets the domain; a domain that is not there is fine. */
    void remove(String name) {
        with("remove " + name, connect -> {
            Optional<Domain> domain = lookup(connect, name);
            if (domain.isPresent()) {
                if (domain.get().isActive() == 1) {
                    domain.get().destroy();
                }
                domain.get().undefine();
            }
            return 0;
        });
    }

    /** A command of QEMU's human monitor (HMP) through libvirt's passthrough, and QEMU's answer (empty when it has nothing to say). */
    String monitor(String name, String hmp) {
        return with("ask QEMU of " + name + " to " + hmp, connect -> {
            Domain domain = lookup(connect, name).orElseThrow(() -> missing(name));
            if (domain.isActive() != 1) {
                throw new DriverException(name + " is not running: its forwards come with its next start");
            }
            return domain.qemuMonitorCommand(hmp, HMP);
        });
    }

    /** VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP: the command is HMP, not QMP. */
    private static final int HMP = 1;

    /** Where a libvirt network stands: a machine can join only an active one. */
    enum NetworkState { ACTIVE, INACTIVE, MISSING }

    NetworkState network(String name) {
        return with("look up the network " + name, connect -> {
            if (List.of(connect.listNetworks()).contains(name)) {
                return NetworkState.ACTIVE;
            }
            return List.of(connect.listDefinedNetworks()).contains(name) ? NetworkState.INACTIVE : NetworkState.MISSING;
        });
    }

    MachineState state(String name) {
        return with("read the state of " + name, connect -> lookup(connect, name)
                .map(domain -> {
                    try {
                        return stateOf(domain.getInfo().state);
                    } catch (LibvirtException e) {
                        return MachineState.ERROR;
                    }
                })
                .orElse(MachineState.NONE));
    }

    /** Docker Machine's mapping of libvirt's states. */
    static MachineState stateOf(DomainInfo.DomainState state) {
        return switch (state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> MachineState.RUNNING;
            case VIR_DOMAIN_PAUSED -> MachineState.PAUSED;
            case VIR_DOMAIN_SHUTDOWN -> MachineState.STOPPING;
            case VIR_DOMAIN_SHUTOFF -> MachineState.STOPPED;
            case VIR_DOMAIN_CRASHED -> MachineState.ERROR;
            case VIR_DOMAIN_NOSTATE -> MachineState.NONE;
        };
    }

    private static Optional<Domain> lookup(Connect connect, String name) throws LibvirtException {
        // looked up in the lists first: a failed lookup by name makes libvirt print its error on stderr
        if (!List.of(connect.listDefinedDomains()).contains(name) && !activeNames(connect).contains(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(connect.domainLookupByName(name));
        } catch (LibvirtException e) {
            if (e.getError() != null && e.getError().getCode() == Error.ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static List<String> activeNames(Connect connect) throws LibvirtException {
        List<String> names = new ArrayList<>();
        for (int id : connect.listDomains()) {
            try {
                names.add(connect.domainLookupByID(id).getName());
            } catch (LibvirtException e) {
                // the domain stopped between the listing and the lookup
            }
        }
        return names;
    }

    private static DriverException missing(String name) {
        return new DriverException("libvirt has no domain " + name + "; remove the machine (jmachine rm -f " + name + ") and create it again");
    }

    /**
     * libvirt's default error handler prints each error on stderr ("libvirt: XML-RPC error : …"); its errors reach
     * jmachine as exceptions, which it words itself, so the handler is swapped once for one that prints nothing.
     */
    private static final Runnable QUIET_ERRORS = new Runnable() {
        private volatile boolean done;

        @Override
        public void run() {
            if (!done) {
                NativeSearchPath.set();
                try {
                    Connect.setErrorCallback(new org.libvirt.ErrorCallback());
                } catch (LibvirtException | UnsatisfiedLinkError | NoClassDefFoundError e) {
                    // no libvirt library: the connect below says so
                }
                done = true;
            }
        }
    };

    interface Call<T> {
        T apply(Connect connect) throws LibvirtException;
    }

    <T> T with(String what, Call<T> call) {
        Connect connect;
        try {
            QUIET_ERRORS.run();
            connect = new Connect(uri);
        } catch (LibvirtException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new DriverException("cannot " + what + ": libvirt at " + uri + " does not answer (" + e.getMessage() + "); "
                    + "install libvirt-daemon-system and start libvirtd (and virtlogd), or pass another --kvm-uri", e);
        }
        try {
            return call.apply(connect);
        } catch (LibvirtException e) {
            throw new DriverException("cannot " + what + " (libvirt at " + uri + "): " + e.getMessage(), e);
        } finally {
            try {
                connect.close();
            } catch (LibvirtException e) {
                // the call's outcome is what matters; a failed close leaks one socket of a short-lived CLI
            }
        }
    }
}
