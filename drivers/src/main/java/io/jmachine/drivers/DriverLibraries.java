package io.jmachine.drivers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Drivers that bring their own libraries (the cloud drivers, with jclouds, Guice and Guava): their jars sit in a folder
 * {@code cloud/} beside this module's jar, off the program's class path, and a class loader of their own reads them.
 * Start-up opens one jar, the drivers' own, for their factories (which only declare flags); the libraries' jars are
 * opened when one of those drivers runs. Where there is no such folder (tests, an IDE) the drivers on the class path
 * are found through {@link ServiceLoader}.
 */
final class DriverLibraries {

    private static final String SERVICES = "META-INF/services/" + DriverFactory.class.getName();
    /** The jar whose factories are read first: its name starts so. */
    private static final String DRIVERS_JAR = "jmachine-drivers-";

    private DriverLibraries() {
    }

    static List<DriverFactory> load() {
        Path folder = folder();
        if (folder == null) {
            List<DriverFactory> found = new ArrayList<>();
            ServiceLoader.load(DriverFactory.class, DriverLibraries.class.getClassLoader()).forEach(found::add);
            return found;
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            // the drivers' own jar first, so that finding their factories opens no other
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar"))
                    .sorted(Comparator.comparing((Path f) -> !f.getFileName().toString().startsWith(DRIVERS_JAR)).thenComparing(Path::toString))
                    .toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the drivers' libraries in " + folder, e);
        }
        @SuppressWarnings("resource") // lives as long as the program: its drivers may run at any time
        URLClassLoader loader = new URLClassLoader("jmachine-driver-libraries", jars.toArray(URL[]::new), DriverLibraries.class.getClassLoader());
        URL services = loader.findResource(SERVICES);
        if (services == null) {
            return List.of();
        }
        List<DriverFactory> factories = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(services.openStream(), StandardCharsets.UTF_8))) {
            for (String line : reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
                DriverFactory factory = (DriverFactory) loader.loadClass(line).getConstructor().newInstance();
                factories.add(inContextOf(DriverFactory.class, factory, loader));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + services, e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("a driver in " + folder + " cannot be made: " + e, e);
        }
        return factories;
    }

    /**
     * {@code target}, whose every call (and every call of the drivers it makes) runs with {@code loader} as the thread's
     * context class loader: libraries such as jclouds find their providers through it.
     */
    @SuppressWarnings("unchecked")
    private static <T> T inContextOf(Class<T> type, T target, ClassLoader loader) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> target.toString();
                };
            }
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                Object result = method.invoke(target, args);
                return result instanceof Driver driver && method.getReturnType() == Driver.class
                        ? inContextOf(Driver.class, driver, loader) : result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                thread.setContextClassLoader(before);
            }
        });
    }

    /** {@code cloud/} beside the jar this class came from, or null (classes from a folder, or no such folder). */
    private static Path folder() {
        try {
            var source = DriverLibraries.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path location = Path.of(source.getLocation().toURI());
            Path folder = location.getParent() == null ? null : location.getParent().resolve("cloud");
            return Files.isRegularFile(location) && folder != null && Files.isDirectory(folder) ? folder : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
