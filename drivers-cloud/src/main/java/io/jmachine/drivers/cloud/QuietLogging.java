package io.jmachine.drivers.cloud;

import org.jclouds.logging.Logger;
import org.jclouds.logging.config.LoggingModule;

import java.lang.reflect.Proxy;

/**
 * jclouds' logging, silenced: its own NullLogger still prints errors (each retry given up) on stderr, which would be raw
 * library noise in the middle of jmachine's output. The drivers report failures themselves, in one line.
 */
public final class QuietLogging extends LoggingModule {

    private static final Logger QUIET = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "getCategory" -> "jmachine";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "QuietLogger";
                default -> method.getReturnType() == boolean.class ? Boolean.FALSE : null;
            });

    @Override
    public Logger.LoggerFactory createLoggerFactory() {
        return category -> QUIET;
    }
}
