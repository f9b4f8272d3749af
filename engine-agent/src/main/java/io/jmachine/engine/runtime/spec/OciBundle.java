package io.jmachine.engine.runtime.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** An OCI bundle directory: the config.json the runtime reads at create (the rootfs lives elsewhere, named by root.path). */
public record OciBundle(Path directory) {

    public static final String CONFIG = "config.json";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public Path config() {
        return directory.resolve(CONFIG);
    }

    /** Writes config.json atomically (temp file, fsync, rename), so a crash never leaves half a spec for the runtime. */
    public OciBundle write(OciSpec spec) {
        Path temp = directory.resolve(CONFIG + ".tmp");
        try {
            Files.createDirectories(directory);
            Files.write(temp, JSON.writeValueAsBytes(spec));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, config(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the OCI bundle's " + config() + ": " + e.getMessage(), e);
        }
    }

    public OciSpec read() {
        try {
            return JSON.readValue(config().toFile(), OciSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + config() + ": " + e.getMessage(), e);
        }
    }
}
