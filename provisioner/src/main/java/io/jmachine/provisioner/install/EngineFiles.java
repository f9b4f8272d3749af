package io.jmachine.provisioner.install;

import io.jmachine.templates.TemplateName;
import io.jmachine.templates.Templates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What an installed engine is on its host besides its bundle: its config and TLS files and its systemd unit, rendered
 * from the machine's settings, for the install over SSH and for a first-boot script that installs them itself.
 */
public final class EngineFiles {

    private final EngineSettings settings;
    private final Templates templates;

    public EngineFiles(EngineSettings settings, Templates templates) {
        this.settings = settings;
        this.templates = templates;
    }

    /** config.json and the TLS files (the server key 0600), at their paths on the host. */
    List<RemoteFiles.RemoteFile> config(EngineInstaller.Inputs inputs) throws IOException {
        EngineLayout layout = settings.layout();
        String config = templates.render(TemplateName.ENGINE_CONFIG, settings.configModel());
        List<RemoteFiles.RemoteFile> files = new ArrayList<>();
        files.add(new RemoteFiles.RemoteFile(layout.caCert(), Files.readAllBytes(inputs.caCert()), "0644"));
        files.add(new RemoteFiles.RemoteFile(layout.serverCert(), Files.readAllBytes(inputs.serverCert()), "0644"));
        files.add(new RemoteFiles.RemoteFile(layout.serverKey(), Files.readAllBytes(inputs.serverKey()), "0600"));
        files.add(new RemoteFiles.RemoteFile(layout.configFile(), config.getBytes(StandardCharsets.UTF_8), "0644"));
        return files;
    }

    String unit() {
        EngineLayout layout = settings.layout();
        return templates.render(TemplateName.ENGINE_SYSTEMD_UNIT, Map.of("bundleDir", layout.installDir(),
                "configFile", layout.configFile(), "description", "jmachine container engine", "environment", settings.environment()));
    }

    /**
     * A script that, early in the host's first boot, writes these files and the unit, mounts or unpacks the bundle
     * from {@code device} (which holds {@code disk}, checked by its digest) and starts the engine, so that the engine
     * starts while the host boots rather than after jmachine logs in. The install over SSH that follows finds it all done.
     */
    public String firstBootScript(EngineInstaller.Inputs inputs, String device, FirstBootBundle disk) throws IOException {
        List<Map<String, String>> files = new ArrayList<>();
        for (RemoteFiles.RemoteFile file : config(inputs)) {
            files.add(Map.of("path", file.path(), "mode", file.mode(), "base64", Base64.getEncoder().encodeToString(file.content())));
        }
        files.add(Map.of("path", EngineLayout.UNIT_FILE, "mode", "0644",
                "base64", Base64.getEncoder().encodeToString(unit().getBytes(StandardCharsets.UTF_8))));
        return templates.render(TemplateName.ENGINE_FIRST_BOOT, Map.ofEntries(
                Map.entry("device", device),
                Map.entry("format", disk.format().scriptName()),
                Map.entry("diskSize", disk.size()),
                Map.entry("diskSha512", disk.sha512()),
                Map.entry("bundleSha256", disk.bundleSha256()),
                Map.entry("installDir", settings.layout().installDir()),
                Map.entry("bundleMount", EngineLayout.FIRST_BOOT_BUNDLE_MOUNT),
                Map.entry("checkMarker", EngineLayout.FIRST_BOOT_CHECK_MARKER),
                Map.entry("lookedMarker", EngineLayout.FIRST_BOOT_LOOKED_MARKER),
                Map.entry("files", files),
                Map.entry("service", EngineLayout.SERVICE)));
    }
}
