package io.jmachine.provisioner.contexts;

import java.nio.file.Path;

/**
 * A writer of config.json for the concurrency tests, in a thread or as a process of its own: each change adds a key of
 * its own (a change lost to a race would show as a missing key) and sets the current context.
 */
public final class ConcurrentConfigWriter {

    private ConcurrentConfigWriter() {
    }

    static void change(DockerConfigFile file, String writer, int changes) {
        for (int i = 0; i < changes; i++) {
            String key = writer + "-" + i;
            file.update(config -> {
                config.put(key, true);
                return true;
            });
            file.setCurrentContext(writer);
        }
    }

    /** Arguments: the docker config folder, the writer's name, how many changes. */
    public static void main(String[] args) {
        change(new DockerConfigFile(new DockerConfigDir(Path.of(args[0]))), args[1], Integer.parseInt(args[2]));
    }
}
