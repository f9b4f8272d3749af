package io.jmachine.provisioner.contexts;

import java.nio.file.Path;
import java.util.Map;

/**
 * The docker CLI's configuration folder, found as the docker CLI finds it: {@code $DOCKER_CONFIG}, else
 * {@code $HOME/.docker}. It holds config.json (with {@code currentContext}) and the context store, contexts/.
 */
public record DockerConfigDir(Path dir) {

    public static final String ENV = "DOCKER_CONFIG";

    /** @param userHome the home folder when the environment has no HOME */
    public static DockerConfigDir resolve(Map<String, String> env, Path userHome) {
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) {
            return new DockerConfigDir(Path.of(configured).toAbsolutePath().normalize());
        }
        String home = env.get("HOME");
        Path base = home != null && !home.isBlank() ? Path.of(home) : userHome;
        return new DockerConfigDir(base.resolve(".docker").toAbsolutePath().normalize());
    }

    public Path configFile() {
        return dir.resolve("config.json");
    }

    public Path contexts() {
        return dir.resolve("contexts");
    }

    /** What jmachine processes lock while they change contexts or config.json (the docker CLI itself takes no lock). */
    Path lockFile() {
        return dir.resolve(".jmachine.lock");
    }
}
