package io.jmachine.drivers;

import io.jmachine.drivers.generic.GenericDriverFactory;
import io.jmachine.drivers.kvm.KvmDriverFactory;
import io.jmachine.drivers.none.NoneDriverFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The drivers jmachine knows, by name. */
public final class DriverRegistry {

    private final Map<String, DriverFactory> byName = new TreeMap<>();

    public DriverRegistry(List<DriverFactory> factories) {
        for (DriverFactory factory : factories) {
            if (byName.putIfAbsent(factory.name(), factory) != null) {
                throw new IllegalArgumentException("two drivers are named " + factory.name());
            }
        }
    }

    /**
     * The drivers built into jmachine, and those that bring their own libraries (the cloud drivers of drivers-cloud; see
     * {@link DriverLibraries}). Their factories only declare flags: a driver's libraries (jclouds, with Guice and Guava)
     * are loaded when one of its machines is used, so `ls` and `env` do not pay for them.
     */
    public static DriverRegistry builtIn() {
        List<DriverFactory> factories = new ArrayList<>(List.of(new NoneDriverFactory(), new GenericDriverFactory(), new KvmDriverFactory()));
        factories.addAll(DriverLibraries.load());
        return new DriverRegistry(factories);
    }

    public Optional<DriverFactory> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The factory of that name, or an error that lists the known drivers. */
    public DriverFactory get(String name) {
        return find(name).orElseThrow(() -> new DriverException("driver \"" + name + "\" not found; known drivers: "
                + String.join(", ", byName.keySet())));
    }

    /** Sorted by name. */
    public Collection<DriverFactory> all() {
        return Collections.unmodifiableCollection(byName.values());
    }
}
