package io.jmachine.drivers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a driver's flags as given to `create` (absent flags take their default), keyed by the
 * flag's long name. Reading a flag the driver did not declare is a bug, and fails.
 */
public final class DriverOptions {

    private final Map<String, DriverFlag> flags = new HashMap<>();
    private final Map<String, Object> values = new HashMap<>();

    /**
     * @param declared the driver's flags
     * @param given    values of the flags the user gave, already typed (String, Integer, Boolean, List of String)
     */
    public DriverOptions(List<DriverFlag> declared, Map<String, ?> given) {
        for (DriverFlag flag : declared) {
            flags.put(flag.name(), flag);
            Object value = given.get(flag.name());
            values.put(flag.name(), value != null ? value : flag.parsedDefault());
        }
        for (String name : given.keySet()) {
            if (!flags.containsKey(name)) {
                throw new IllegalArgumentException("unknown driver flag " + name);
            }
        }
    }

    public String string(String name) {
        return (String) value(name, DriverFlag.Type.STRING);
    }

    public int integer(String name) {
        Object value = value(name, DriverFlag.Type.INT);
        if (value == null) {
            throw new DriverException(name + " is required");
        }
        return (Integer) value;
    }

    public boolean bool(String name) {
        return (Boolean) value(name, DriverFlag.Type.BOOLEAN);
    }

    @SuppressWarnings("unchecked")
    public List<String> strings(String name) {
        return (List<String>) value(name, DriverFlag.Type.STRING_LIST);
    }

    private Object value(String name, DriverFlag.Type type) {
        DriverFlag flag = flags.get(name);
        if (flag == null || flag.type() != type) {
            throw new IllegalArgumentException("no " + type + " driver flag " + name + " was declared");
        }
        return values.get(name);
    }
}
