package io.jmachine.drivers.kvm;

import io.jmachine.templates.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostMountTest {

    @TempDir
    Path dir;

    @Test
    void noFlagMountsTheHomeFolderReadWriteAtTheSamePath() {
        assertEquals(List.of(new HostMount("/home/ann", "/home/ann", false)), HostMount.parseAll(List.of(), "/home/ann"));
    }

    @Test
    void noneMountsNothing() {
        assertEquals(List.of(), HostMount.parseAll(List.of("none"), "/home/ann"));
        assertThrows(IllegalArgumentException.class, () -> HostMount.parseAll(List.of("none", "/srv"), "/home/ann"));
    }

    @Test
    void aGuestPathAndReadOnlyAreOptional() {
        assertEquals(new HostMount("/srv/app", "/srv/app", false), HostMount.parse("/srv/app"));
        assertEquals(new HostMount("/srv/app", "/app", false), HostMount.parse("/srv/app:/app"));
        assertEquals(new HostMount("/srv/app", "/app", true), HostMount.parse("/srv/app:/app:ro"));
        assertEquals(new HostMount("/srv/app", "/srv/app", true), HostMount.parse("/srv/app:ro"));
        assertEquals(new HostMount("/srv/my files/été", "/srv/my files/été", false), HostMount.parse("/srv/my files/été"));
    }

    @Test
    void aRelativeGuestPathOrTheSameGuestPathTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HostMount.parse("/srv:app"));
        assertThrows(IllegalArgumentException.class, () -> HostMount.parseAll(List.of("/a:/x", "/b:/x"), "/root"));
    }

    @Test
    void aMissingSourceOrAFileIsAProblemThatNamesThePath() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        assertNull(new HostMount(dir.toString(), "/x", false).problem());
        assertTrue(new HostMount(dir.resolve("gone").toString(), "/x", false).problem().contains(dir.resolve("gone").toString()));
        assertTrue(new HostMount(file.toString(), "/x", false).problem().contains("not a folder"));
    }

    @Test
    void theGuestMountsEachFolderWithVirtioFsUnderBindfsFromAUnitOrderedBeforeTheEngine() {
        String script = GuestMounts.script(List.of(new HostMount("/h/a b", "/h/a b", false), new HostMount("/h/c'd", "/c", true)));
        assertTrue(script.contains("m jmfs0 '/h/a b' rw\n"), script);
        assertTrue(script.contains("m jmfs1 '/c' ro\n"), script);
        assertTrue(script.contains("mount -t virtiofs -o \"$3\" \"$1\" \"$under\""), script);
        assertTrue(script.contains("bindfs -o \"allow_other,perms=a+rwX,create-as-user,big_writes,$3\""), script);
        assertTrue(script.contains("Before=jmachine-engine.service"), script);
        assertTrue(script.contains("systemctl start --no-block jmachine-host-folders.service"), script);
        assertNull(GuestMounts.script(List.of()));
    }

    @Test
    void whereTheHostsRootHomeCoversTheGuestsRootGetsAHomeOfItsOwnSoThatGuestToolsNeverWriteIntoTheHosts(@TempDir Path tmp) throws Exception {
        assertTrue(GuestMounts.script(List.of(new HostMount("/root", "/root", false))).contains(GuestMounts.OWN_ROOT_HOME));
        assertFalse(GuestMounts.script(List.of(new HostMount("/home/ann", "/home/ann", false))).contains("root-home"));
        assertFalse(GuestMounts.coversRootHome(new HostMount("/x", "/rootfs", false)));
        // the sed moves root's home and leaves every other line alone
        Path passwd = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\nann:x:1000:1000::/root:/bin/sh\n");
        String sed = GuestMounts.OWN_ROOT_HOME.lines().filter(l -> l.startsWith("sed")).findFirst().orElseThrow().replace("/etc/passwd", passwd.toString());
        Process p = new ProcessBuilder("sh", "-c", sed).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        assertEquals("root:x:0:0:root:/var/lib/jmachine/root-home:/bin/bash\nann:x:1000:1000::/root:/bin/sh\n", Files.readString(passwd));
    }

    @Test
    void theGuestScriptRunsAsAShellScript(@TempDir Path tmp) throws Exception {
        // the part that defines m() is valid shell: written out and sourced, it defines the function
        String script = GuestMounts.script(List.of(new HostMount("/h/x", "/h/x", false)));
        String body = script.substring(script.indexOf("<<'JMACHINE_EOF'\n") + 16, script.indexOf("JMACHINE_EOF\ncat"));
        Path file = Files.writeString(tmp.resolve("m.sh"), body.replace("m jmfs0", "type m >/dev/null && echo defined #"));
        Process sh = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
        assertEquals(0, sh.waitFor(), new String(sh.getInputStream().readAllBytes()));
    }

    @Test
    void aGuestFolderThatHoldsFilesIsMountedThroughALibfuse2BindfsWithNonempty(@TempDir Path tmp) throws Exception {
        // root's home, the default mount as root: libfuse 2 (Debian's bindfs) refuses a non-empty folder without nonempty
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("calls");
        stub(bin, "mountpoint", "case \"$2\" in */hostfs/*) exit 0;; *) exit 1;; esac");
        stub(bin, "mount", "exit 0");
        stub(bin, "bindfs", "echo \"$2\" >> " + calls + "\n"
                + "case \"$2\" in nonempty,*) exit 0;; esac\n"
                + "[ -z \"$(ls -A \"$4\")\" ] || { echo 'fuse: mountpoint is not empty' >&2; exit 1; }");
        Path home = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(home.resolve(".profile"), "");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String script = GuestMounts.script(List.of(new HostMount("/root", "/root", false)));
        String body = script.substring(script.indexOf("<<'JMACHINE_EOF'\n") + 16, script.indexOf("JMACHINE_EOF\ncat"))
                .replace("/var/lib/jmachine/hostfs", tmp.resolve("hostfs").toString()).replaceAll("(?m)^m jmfs0.*$", "");
        Path file = Files.writeString(tmp.resolve("m.sh"), body + "m jmfs0 '" + home + "' rw && m jmfs1 '" + empty + "' rw\n");
        ProcessBuilder sh = new ProcessBuilder("sh", file.toString()).redirectErrorStream(true);
        sh.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = sh.start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        assertEquals(List.of("allow_other,perms=a+rwX,create-as-user,big_writes,rw", "nonempty,allow_other,perms=a+rwX,create-as-user,big_writes,rw",
                "allow_other,perms=a+rwX,create-as-user,big_writes,rw"), Files.readAllLines(calls), "asked again with nonempty only for the folder with files");
    }

    private static void stub(Path bin, String name, String body) throws Exception {
        Path file = Files.writeString(bin.resolve(name), "#!/bin/sh\n" + body + "\n");
        assertTrue(file.toFile().setExecutable(true));
    }

    @Test
    void theGuestScriptRunsBeforeTheFirstBootScriptInUserData() {
        SshHostKey key = new SshHostKey("ecdsa", "-----BEGIN KEY-----\nabc\n-----END KEY-----", "ecdsa-sha2-nistp256 AAAA host");
        String userData = new CloudInitSeed("vm1", "id", "docker", "ssh-ed25519 AAAA u", key, "echo boot; exit 0",
                GuestMounts.script(List.of(new HostMount("/root", "/root", false))), true).userData(new Templates());
        assertTrue(userData.indexOf("mount -t virtiofs") < userData.indexOf("echo boot"), userData);
        assertTrue(userData.contains("\n    JMACHINE_EOF\n"), "the heredoc ends on a line of its own once YAML strips the block's indentation");
    }

    @Test
    void theDomainSharesEachFolderWithVirtioFsAndSharedMemory() {
        DomainXml xml = new DomainXml("vm1", UUID.randomUUID(), 512, 1, Accel.TCG, Path.of("/d.qcow2"), Path.of("/s.iso"),
                GuestImage.bootsItself(Path.of("/b.qcow2")), "user", null, List.of(), null, null, null, "127.0.0.1",
                List.of(new HostMount("/srv/a&b", "/x", false)));
        String rendered = xml.render(new Templates());
        assertTrue(rendered.contains("<source type='memfd'/><access mode='shared'/>"), rendered);
        assertTrue(rendered.contains("<driver type='virtiofs'/>"), rendered);
        assertTrue(rendered.contains("<source dir='/srv/a&amp;b'/>"), rendered);
        assertTrue(rendered.contains("<target dir='jmfs0'/>"), rendered);
        String none = new DomainXml("vm1", UUID.randomUUID(), 512, 1, Accel.TCG, Path.of("/d.qcow2"), Path.of("/s.iso"),
                GuestImage.bootsItself(Path.of("/b.qcow2")), "user", null, List.of(), null, null, null, "127.0.0.1", List.of()).render(new Templates());
        assertFalse(none.contains("memoryBacking"));
    }
}
