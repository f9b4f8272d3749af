package io.jmachine.drivers.kvm;

import io.jmachine.drivers.DriverException;
import io.jmachine.templates.TemplateName;
import io.jmachine.templates.Templates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cloud-init NoCloud seed of one machine: its user-data and meta-data, and the ISO (volume label cidata) that carries them.
 *
 * @param bootScript a shell script run early at each boot (cloud-init's bootcmd), or null
 * @param mountScript a shell script run before it that mounts the host's folders ({@link GuestMounts}), or null
 * @param initStageOnly whether cloud-init stops after its init stage (jmachine's own image, whose config and final
 *                      stages only compete with the engine's first start for the CPUs); a vendor's image runs them all
 */
public record CloudInitSeed(String hostname, String instanceId, String user, String authorizedKey, SshHostKey hostKey,
                            String bootScript, String mountScript, boolean initStageOnly) {

    public String userData(Templates templates) {
        Map<String, Object> model = new java.util.HashMap<>(Map.of("hostname", hostname, "user", user,
                "authorizedKey", authorizedKey.strip(), "hostKeyType", hostKey.type(), "hostPrivateKey", hostKey.privateKey(),
                "hostPublicKey", hostKey.publicKey(), "initStageOnly", initStageOnly));
        if (bootScript != null) {
            model.put("bootScript", bootScript.strip());
        }
        if (mountScript != null) {
            model.put("mountScript", mountScript.strip());
        }
        return templates.render(TemplateName.CLOUD_INIT_USER_DATA, model);
    }

    public String metaData(Templates templates) {
        return templates.render(TemplateName.CLOUD_INIT_META_DATA, Map.of("instanceId", instanceId, "hostname", hostname));
    }

    /** The ISO tools this can use, best first: any one of them will do. */
    static Optional<Path> isoTool() {
        return HostTools.find("genisoimage").or(() -> HostTools.find("xorriso")).or(() -> HostTools.find("cloud-localds"));
    }

    /** Writes user-data and meta-data beside {@code iso} and makes the ISO from them. */
    public void writeIso(Templates templates, Path iso) {
        Path dir = iso.resolveSibling(iso.getFileName() + ".d");
        try {
            Files.createDirectories(dir);
            Path userData = dir.resolve("user-data");
            Path metaData = dir.resolve("meta-data");
            Files.writeString(userData, userData(templates), StandardCharsets.UTF_8);
            Files.writeString(metaData, metaData(templates), StandardCharsets.UTF_8);
            Path tool = isoTool().orElseThrow(() -> new DriverException("no tool to make the cloud-init seed ISO: install genisoimage"));
            Path temp = iso.resolveSibling(iso.getFileName() + ".tmp");
            String name = tool.getFileName().toString();
            List<String> command = switch (name) {
                case "xorriso" -> List.of(tool.toString(), "-as", "genisoimage", "-quiet", "-output", temp.toString(), "-volid", "cidata",
                        "-joliet", "-rock", userData.toString(), metaData.toString());
                case "cloud-localds" -> List.of(tool.toString(), temp.toString(), userData.toString(), metaData.toString());
                default -> List.of(tool.toString(), "-quiet", "-output", temp.toString(), "-volid", "cidata", "-joliet", "-rock",
                        userData.toString(), metaData.toString());
            };
            HostTools.run(command, 60);
            Files.move(temp, iso, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DriverException("cannot write the cloud-init seed " + iso + ": " + e.getMessage(), e);
        }
    }
}
