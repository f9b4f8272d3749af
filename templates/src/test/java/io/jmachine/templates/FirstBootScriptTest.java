package io.jmachine.templates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FirstBootScriptTest {

    private static final String DEVICE = "/dev/disk/by-id/virtio-jmbundle";

    private final Templates templates = new Templates();

    @TempDir
    Path dir;

    private String render(String format, String device, long diskSize, String diskSha512, String installDir, String mount) {
        Map<String, Object> model = new HashMap<>(Map.of("device", device, "diskSize", diskSize, "diskSha512", diskSha512,
                "format", format, "bundleSha256", "ab".repeat(32), "installDir", installDir, "bundleMount", mount,
                "checkMarker", mount + ".checking", "service", "jmachine-test-no-such-unit"));
        model.put("lookedMarker", mount + ".looked");
        model.put("fstab", dir.resolve("fstab").toString());
        model.put("files", List.of(
                Map.of("path", "/etc/jmachine-engine/server-key.pem", "mode", "0600", "base64", "a2V5Cg=="),
                Map.of("path", "/etc/systemd/system/jmachine-engine.service", "mode", "0644", "base64", "dW5pdAo=")));
        return templates.render(TemplateName.ENGINE_FIRST_BOOT, model);
    }

    private static void assertValidShell(String script) throws Exception {
        Process check = new ProcessBuilder("sh", "-n").redirectErrorStream(true).start();
        check.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), "sh -n: " + output);
    }

    /** The script the first boot hands to systemd-run: the here-document it writes to engine-bundle-copy.sh. */
    private static String copyScript(String script) {
        String opening = "engine-bundle-copy.sh\" <<'JMACHINE_EOF'\n";
        assertTrue(script.contains(opening), script);
        int start = script.indexOf(opening) + opening.length();
        return script.substring(start, script.indexOf("\nJMACHINE_EOF\n", start) + 1);
    }

    private static int run(String script, Path stderr) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        return sh.waitFor();
    }

    @Test
    void aFilesystemDiskIsMountedAndTheEngineStartsFromItWhileACopyRunsInItsOwnUnit() throws Exception {
        String script = render("ext4", DEVICE, 42_000_128L, "cd".repeat(64), "/opt/jmachine-engine", "/var/lib/jmachine/engine-bundle");
        assertValidShell(script);
        assertValidShell(copyScript(script));
        assertTrue(script.contains("mount -o ro -t ext4 '" + DEVICE + "' '/var/lib/jmachine/engine-bundle'"), script);
        assertTrue(script.contains("ln -s '/var/lib/jmachine/engine-bundle' '/opt/jmachine-engine'"), script);
        // the install over SSH waits on the marker: it is made before the link the engine starts from
        assertTrue(script.indexOf("touch '/var/lib/jmachine/engine-bundle.checking'") < script.indexOf("ln -s "), script);
        // a boot before the copy ends mounts the disk again
        assertTrue(script.contains("echo '" + DEVICE + " /var/lib/jmachine/engine-bundle ext4 ro,nofail"), script);
        assertTrue(script.indexOf("systemctl start --no-block 'jmachine-test-no-such-unit'") < script.indexOf("systemd-run"), script);
        assertFalse(script.contains("tar -x"), script);
        assertTrue(script.contains("chmod 0600 '/etc/jmachine-engine/server-key.pem.tmp'"), script);
        // the first start does not wait for cloud-init's init stage to end (sysinit.target), nor for a daemon-reload
        assertTrue(script.indexOf("DefaultDependencies=no") < script.indexOf("systemctl start --no-block"), script);
        assertFalse(script.contains("systemctl daemon-reload"), script);
    }

    @Test
    void theCopyEndsTheWaitThenOnceTheInstallHasLookedReplacesTheLinkWithTheBundlesFilesAndTheDiskLeavesFstab() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("mount"));
        Files.createDirectories(mount.resolve("bin"));
        Files.writeString(mount.resolve("bin/jmachine-engine"), "#!/bin/sh\n");
        mount.resolve("bin/jmachine-engine").toFile().setExecutable(true);
        Files.writeString(mount.resolve(".bundle-sha256"), "ab".repeat(32) + "\n");
        Files.createDirectories(mount.resolve("lost+found"));
        Path disk = Files.writeString(dir.resolve("disk"), "the filesystem image");
        Path installDir = dir.resolve("opt/jmachine-engine");
        Files.createDirectories(installDir.getParent());
        Files.createSymbolicLink(installDir, mount);
        Path marker = Files.writeString(dir.resolve("mount.checking"), "");
        Files.writeString(dir.resolve("fstab"), "/dev/vda1 / ext4 rw 0 1\n" + disk + " " + mount + " ext4 ro,nofail 0 0\n");

        String copy = copyScript(render("ext4", disk.toString(), Files.size(disk), sha512(Files.readAllBytes(disk)), installDir.toString(),
                mount.toString()));
        Process sh = new ProcessBuilder("sh", "-c", copy).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("stderr").toFile()).start();
        for (int i = 0; i < 100 && Files.exists(marker); i++) {
            Thread.sleep(50);
        }
        assertFalse(Files.exists(marker), "the digest matched: the install goes on");
        Thread.sleep(500);
        assertTrue(Files.isSymbolicLink(installDir), "no copy before the install has looked");
        Files.writeString(dir.resolve("mount.looked"), "");
        assertTrue(sh.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, sh.exitValue(), Files.readString(dir.resolve("stderr")));
        assertEquals("/dev/vda1 / ext4 rw 0 1\n", Files.readString(dir.resolve("fstab")));

        assertFalse(Files.isSymbolicLink(installDir));
        assertEquals("#!/bin/sh\n", Files.readString(installDir.resolve("bin/jmachine-engine")));
        assertTrue(Files.isExecutable(installDir.resolve("bin/jmachine-engine")));
        assertEquals("ab".repeat(32) + "\n", Files.readString(installDir.resolve(".bundle-sha256")));
        assertFalse(Files.exists(marker));
        assertFalse(Files.exists(installDir.resolveSibling("jmachine-engine.copy")));
        assertFalse(Files.exists(installDir.resolve("lost+found")), "ext4's own folder is not the bundle's");
    }

    @Test
    void aDiskWhoseDigestDiffersLeavesNoBundleSoThatTheInstallOverSshSendsIt() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("mount"));
        Files.writeString(mount.resolve(".bundle-sha256"), "ab".repeat(32) + "\n");
        Path disk = Files.writeString(dir.resolve("disk"), "not what jmachine wrote");
        Path installDir = dir.resolve("opt/jmachine-engine");
        Files.createDirectories(installDir.getParent());
        Files.createSymbolicLink(installDir, mount);
        Path marker = Files.writeString(dir.resolve("mount.checking"), "");

        String copy = copyScript(render("ext4", disk.toString(), Files.size(disk), "cd".repeat(64), installDir.toString(), mount.toString()));
        assertNotEquals(0, run(copy, dir.resolve("stderr")));

        assertTrue(Files.readString(dir.resolve("stderr")).contains("does not hold the bundle jmachine wrote"));
        assertFalse(Files.exists(installDir, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(marker));
        assertTrue(Files.exists(mount.resolve(".bundle-sha256")), "the disk's files are not touched");
    }

    @Test
    void aTarballDiskIsUnpackedWhileItIsDigested() throws Exception {
        String script = render("tar.gz", DEVICE, 42_000_123L, "cd".repeat(64), "/opt/jmachine-engine", "/var/lib/jmachine/engine-bundle");
        assertValidShell(script);
        assertTrue(script.contains("head -c 42000123 '" + DEVICE + "' | tee \"$sums.fifo\" | tar -xz -C"), script);
        assertTrue(script.contains("grep -q '^" + "cd".repeat(64) + " ' \"$sums\""), script);
        assertTrue(script.contains("echo '" + "ab".repeat(32) + "' > '/opt/jmachine-engine.new/.bundle-sha256'"), script);
        assertFalse(script.contains("mount -o ro"), script);
        assertTrue(script.contains("systemctl start --no-block 'jmachine-test-no-such-unit'"), script);
    }

    private static String sha512(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    }
}
