package io.jmachine.drivers;

import io.jmachine.drivers.generic.GenericDriverFactory;
import io.jmachine.drivers.kvm.KvmDriverFactory;
import io.jmachine.drivers.none.NoneDriverFactory;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The drivers jmachine knows, by name. */
public final class DriverRegistry {

    private final Map<String, DriverFactory> byName = new TreeMap<>();
    /** Factories added on first need of a driver the others lack (see {@link #builtIn}); null once added. */
    private Supplier<List<DriverFactory>> more;

    public DriverRegistry(List<DriverFactory> factories) {
        this(factories, null);
    }

    private DriverRegistry(List<DriverFactory> factories, Supplier<List<DriverFactory>> more) {
        add(factories);
        this.more = more;
    }

    private void add(List<DriverFactory> factories) {
        for (DriverFactory factory : factories) {
            if (byName.putIfAbsent(factory.name(), factory) != null) {
                throw new IllegalArgumentException("two drivers are named " + factory.name());
            }
        }
    }

    /** Adds the factories not added yet; their loading is what start-up of a verb that needs none of them skips. */
    private synchronized Map<String, DriverFactory> complete() {
        if (more != null) {
            Supplier<List<DriverFactory>> load = more;
            more = null;
            add(load.get());
        }
        return byName;
    }

    /**
     * The drivers built into jmachine, and those that bring their own libraries (the cloud drivers of drivers-cloud; see
     * {@link DriverLibraries}). Their factories only declare flags: a driver's libraries (jclouds, with Guice and Guava)
     * are loaded when one of its machines is used, so `ls` and `env` do not pay for them. Even the factories are made
     * only when a driver that the built-in ones lack is asked for, or all of them (opening their jar and making their
     * proxies, with the built-in factories' JSON mappers, took 50 ms of every verb's start).
     */
    public static DriverRegistry builtIn() {
        return new DriverRegistry(List.of(new NoneDriverFactory(), new GenericDriverFactory(), new KvmDriverFactory()), DriverLibraries::load);
    }

    public Optional<DriverFactory> find(String name) {
        DriverFactory factory;
        synchronized (this) {
            factory = byName.get(name);
        }
        return Optional.ofNullable(factory != null ? factory : complete().get(name));
    }

    /** The factory of that name, or an error that lists the known drivers. */
    public DriverFactory get(String name) {
        return find(name).orElseThrow(() -> new DriverException("driver \"" + name + "\" not found; known drivers: "
                + String.join(", ", complete().keySet())));
    }

    /** Sorted by name. */
    public Collection<DriverFactory> all() {
        return Collections.unmodifiableCollection(complete().values());
    }
}
