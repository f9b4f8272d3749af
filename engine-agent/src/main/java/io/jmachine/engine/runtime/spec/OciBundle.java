package io.jmachine.engine.runtime.spec;

import io.jmachine.engine.linux.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An OCI bundle directory: the config.json the runtime reads at create (the rootfs lives elsewhere, named by root.path). */
public record OciBundle(Path directory) {

    public static final String CONFIG = "config.json";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public Path config() {
        return directory.resolve(CONFIG);
    }

    /** Writes config.json whole (temp file, rename), so a crash never leaves half a spec; unsynced: the exec root goes at reboot. */
    public OciBundle write(OciSpec spec) {
        try {
            Files.createDirectories(directory);
            AtomicFiles.writeUnsynced(config(), JSON.writeValueAsBytes(spec));
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
