package io.jmachine.drivers;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** Makes the drivers of one kind: for a new machine from `create` flags, for a stored one from machine.json. */
public interface DriverFactory {

    /** The name users pass to `create -d`. */
    String name();

    /** One line for `create --help`. */
    String description();

    /** The flags this driver adds to `create`, each named {@code --NAME-…}. */
    List<DriverFlag> flags();

    Driver newDriver(MachineContext context, DriverOptions options);

    /**
     * @param settings what {@link Driver#settings()} returned when the machine was saved
     * @param secrets  what {@link Driver#secrets()} returned
     */
    Driver restore(MachineContext context, JsonNode settings, Map<String, String> secrets);
}
