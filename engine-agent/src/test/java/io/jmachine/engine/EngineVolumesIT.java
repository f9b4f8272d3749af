package io.jmachine.engine;

import io.jmachine.engine.config.ConfigLoader;
import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Volumes, binds and --volumes-from through the real docker CLI against a real engine in this JVM. */
class EngineVolumesIT {

    private static final String IMAGE = "localhost/it/busybox:vol";
    private static final String SEEDED = "localhost/it/seeded:vol";

    @TempDir
    Path dir;

    private Engine engine;
    private DockerCli docker;
    private String bridge;
    private String bip;

    @BeforeEach
    void start() throws Exception {
        SecureRandom random = new SecureRandom();
        bridge = "jmtv" + Integer.toHexString(0x10000 + random.nextInt(0xeffff));
        // its own bridge and subnet, so that engines of other tests and people on this host never meet it
        engine = Engine.start(ConfigLoader.load(Map.of(
                "hosts", List.of("unix://" + dir.resolve("engine.sock")),
                "data-root", dir.resolve("data").toString(), "exec-root", dir.resolve("exec").toString(),
                "bridge", bridge,
                "bip", bip = freeSubnet(random)), null));
        docker = DockerCli.unix(dir.resolve("engine.sock"));
        Path root = BusyboxRootfs.create(dir.resolve("rootfs"));
        ok("import", BusyboxRootfs.tar(dir.resolve("plain-tar-dir")).toString(), IMAGE);
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/seed"), "from the image\n");
        Files.setAttribute(root.resolve("data/seed"), "unix:uid", 1234);
        Files.setAttribute(root.resolve("data"), "unix:mode", 0750);
        Path seededTar = dir.resolve("seeded.tar");
        Process tar = new ProcessBuilder("tar", "-C", root.toString(), "-cf", seededTar.toString(), ".").redirectErrorStream(true).start();
        assertEquals(0, tar.waitFor(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        ok("import", "--change", "VOLUME /data", seededTar.toString(), SEEDED);
    }

    /** A 10.x.y.0/24 that no route of this host covers. */
    private static String freeSubnet(SecureRandom random) throws Exception {
        String routes = Files.readString(Path.of("/proc/net/route"));
        while (true) {
            int x = 100 + random.nextInt(150);
            int y = random.nextInt(256);
            // /proc/net/route writes destinations as little-endian hex
            String hex = String.format("%02X%02X%02X%02X", 0, y, x, 10);
            if (!routes.contains(hex) && !routes.contains(String.format("%02X%02X%02X", 0, x, 10))) {
                return "10." + x + "." + y + ".0/24";
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (String id : ok("ps", "-aq").split("\\s+")) {
                if (!id.isBlank()) {
                    ok("rm", "-f", "-v", id);
                }
            }
        } finally {
            engine.close();
            // the engine keeps its bridge for the next start, as dockerd keeps docker0; this one was the test's
            Process delete = new ProcessBuilder("ip", "link", "delete", bridge).redirectErrorStream(true).start();
            delete.getInputStream().readAllBytes();
            delete.waitFor();
            io.jmachine.engine.network.SubnetMasquerade.remove(bridge, io.jmachine.engine.network.Ipv4Subnet.parse(bip));
        }
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            if (line.contains(dir.toString())) {
                mounts.add(line);
            }
        }
        assertEquals(List.of(), mounts, "mounts left behind");
    }

    private String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), "docker " + String.join(" ", args) + ": " + result.err());
        return result.out();
    }

    private DockerCli.Result fails(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertNotEquals(0, result.exitCode(), "docker " + String.join(" ", args) + " should fail: " + result.out());
        return result;
    }

    private List<String> volumeNames() throws Exception {
        return ok("volume", "ls", "-q").lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    @Test
    void aNamedVolumeKeepsDataAcrossContainersAndIsKeptWhileUsed() throws Exception {
        ok("volume", "create", "--label", "team=it", "accvol");
        ok("run", "--rm", "-v", "accvol:/data", IMAGE, "sh", "-c", "echo persisted > /data/f");
        assertEquals("persisted\n", ok("run", "--rm", "-v", "accvol:/data:ro", IMAGE, "cat", "/data/f"));
        Path mountpoint = Path.of(ok("volume", "inspect", "-f", "{{.Mountpoint}}", "accvol").strip());
        assertEquals(dir.resolve("data/volumes/accvol/_data"), mountpoint);
        assertEquals("persisted\n", Files.readString(mountpoint.resolve("f")));
        assertEquals("local local team=it", ok("volume", "inspect", "-f", "{{.Driver}} {{.Scope}} {{range $k, $v := .Labels}}{{$k}}={{$v}}{{end}}",
                "accvol").strip());
        assertTrue(ok("volume", "ls").lines().anyMatch(l -> l.matches("local +accvol")));

        String user = ok("run", "-d", "--name", "user", "-v", "accvol:/data", IMAGE, "sleep", "300").strip();
        assertEquals("accvol volume z true", ok("inspect", "-f", "{{range .Mounts}}{{.Name}} {{.Type}} {{.Mode}} {{.RW}}{{end}}", "user").strip());
        DockerCli.Result refused = fails("volume", "rm", "accvol");
        assertTrue(refused.err().contains("remove accvol: volume is in use - [" + user + "]"), refused.err());
        ok("stop", "-t", "0", "user");
        assertTrue(fails("volume", "rm", "-f", "accvol").err().contains("volume is in use"), "a stopped container keeps it too");
        assertEquals(List.of("accvol"), volumeNames());
        ok("rm", "user");
        assertEquals("", ok("volume", "ls", "-q", "--filter", "dangling=false").strip());
        ok("volume", "rm", "accvol");
        assertFalse(Files.exists(mountpoint.getParent()), "the volume's folder is gone");
        assertTrue(fails("volume", "inspect", "accvol").err().contains("no such volume"));
    }

    @Test
    void anonymousVolumesGetTheImagesContentOnceAndGoWithRmV() throws Exception {
        ok("run", "-d", "--name", "seeded", "-v", "/var/www/html", SEEDED, "sleep", "300");
        List<String> sources = ok("inspect", "-f", "{{range .Mounts}}{{.Destination}}={{.Source}} {{end}}", "seeded").strip().lines()
                .flatMap(l -> List.of(l.split(" ")).stream()).sorted().toList();
        assertEquals(2, sources.size(), sources.toString());
        Path data = Path.of(sources.get(0).substring("/data=".length()));
        Path html = Path.of(sources.get(1).substring("/var/www/html=".length()));
        assertTrue(data.startsWith(dir.resolve("data/volumes")), data.toString());

        assertEquals("from the image\n", Files.readString(data.resolve("seed")), "the image's VOLUME folder was copied up");
        assertEquals(1234, Files.getAttribute(data.resolve("seed"), "unix:uid"), "with its owner");
        assertEquals(0750, (Integer) Files.getAttribute(data, "unix:mode") & 0777, "the volume's root takes the folder's mode");
        Files.writeString(html.resolve("index.html"), "test http dev4\n");
        assertEquals("test http dev4\n", ok("exec", "seeded", "cat", "/var/www/html/index.html"));

        // the copy happens the first time only: a volume emptied by its user stays empty
        ok("exec", "seeded", "rm", "/data/seed");
        ok("restart", "-t", "0", "seeded");
        assertEquals("", ok("exec", "seeded", "ls", "/data").strip());

        assertEquals(2, volumeNames().size());
        ok("rm", "-f", "-v", "seeded");
        assertFalse(Files.exists(data), "rm -v removed " + data);
        assertFalse(Files.exists(html), "rm -v removed " + html);
        assertEquals(List.of(), volumeNames());

        ok("run", "--rm", SEEDED, "cat", "/data/seed");
        assertEquals(List.of(), volumeNames(), "--rm takes the anonymous volume with the container");
    }

    @Test
    void bindsReadOnlyMountsAndVolumesFromShareTheSameFolders() throws Exception {
        Path html = Files.createDirectories(dir.resolve("dev5/html"));
        Files.writeString(html.resolve("index.html"), "test http dev5\n");
        ok("run", "-d", "--name", "dev5", "-v", html + ":/www", "-v", "shared:/shared", IMAGE, "sleep", "300");
        assertEquals("test http dev5\n", ok("exec", "dev5", "cat", "/www/index.html"));
        Files.writeString(html.resolve("index.html"), "test http dev5 v2\n");
        assertEquals("test http dev5 v2\n", ok("exec", "dev5", "cat", "/www/index.html"), "host edits show at once");
        ok("exec", "dev5", "sh", "-c", "echo from-dev5 > /www/written && echo s > /shared/s");
        assertEquals("from-dev5\n", Files.readString(html.resolve("written")));
        assertEquals(List.of(), listing(html.getParent()).stream().filter(n -> !n.equals("html")).toList(), "binds are never populated");

        ok("run", "-d", "--name", "reader", "--volumes-from", "dev5:ro", IMAGE, "sleep", "300");
        assertEquals("test http dev5 v2\n", ok("exec", "reader", "cat", "/www/index.html"));
        assertEquals("s\n", ok("exec", "reader", "cat", "/shared/s"));
        assertTrue(fails("exec", "reader", "touch", "/www/x").err().contains("Read-only file system"));
        assertTrue(fails("exec", "reader", "touch", "/shared/x").err().contains("Read-only file system"));
        assertEquals(List.of("shared"), volumeNames());

        DockerCli.Result ro = fails("run", "--rm", "-v", html + ":/www:ro", IMAGE, "touch", "/www/x");
        assertTrue(ro.err().contains("Read-only file system"), ro.err());

        Path missing = dir.resolve("made-by-run");
        ok("run", "--rm", "-v", missing + ":/m", IMAGE, "true");
        assertTrue(Files.isDirectory(missing), "-v makes a missing host folder, as Docker does");
        assertTrue(fails("run", "--rm", "-v", "/x:rw", IMAGE, "true").err().contains("invalid volume specification: '/x:rw'"));
    }

    @Test
    void theMountSyntaxAndPrune() throws Exception {
        Path host = Files.createDirectories(dir.resolve("bind"));
        Files.writeString(host.resolve("hello"), "hi\n");
        String out = ok("run", "--rm",
                "--mount", "type=bind,source=" + host + ",target=/b,readonly",
                "--mount", "type=volume,source=mvol,target=/v,volume-label=made=by-mount",
                "--mount", "type=tmpfs,target=/t,tmpfs-size=1m",
                IMAGE, "sh", "-c", "cat /b/hello; echo v > /v/f; cat /v/f; awk '$2 == \"/t\" {print $3}' /proc/mounts; touch /b/x 2>&1 || true");
        assertEquals("hi\nv\ntmpfs\ntouch: /b/x: Read-only file system\n", out);
        assertEquals("by-mount", ok("volume", "inspect", "-f", "{{index .Labels \"made\"}}", "mvol").strip());
        DockerCli.Result missing = fails("run", "--rm", "--mount", "type=bind,source=" + dir.resolve("nope") + ",target=/b", IMAGE, "true");
        assertTrue(missing.err().contains("invalid mount config for type \"bind\": bind source path does not exist: " + dir.resolve("nope")),
                missing.err());
        assertTrue(fails("run", "--rm", "-v", "va:/same", "-v", "vb:/same", IMAGE, "true").err().contains("Duplicate mount point: /same"));
        // the docker CLI sends -v binds in map order, so either va or vb comes first and is made before the clash
        List<String> afterClash = volumeNames();
        assertFalse(afterClash.contains("va") && afterClash.contains("vb"),
                "nothing is left of a refused create but the named volume it made before the clash: " + afterClash);

        ok("volume", "create", "kept");
        ok("create", "--name", "holder", SEEDED, "true");
        String anonymous = ok("volume", "create").strip();
        assertTrue(anonymous.matches("[0-9a-f]{64}"), anonymous);
        List<String> before = volumeNames();
        String pruned = ok("volume", "prune", "-f");
        assertTrue(pruned.contains(anonymous), pruned);
        List<String> after = new ArrayList<>(before);
        after.remove(anonymous);
        assertEquals(after, volumeNames(), "prune takes only unused anonymous volumes");
        ok("volume", "prune", "-f", "--all");
        assertEquals(1, volumeNames().size(), "only the anonymous volume of holder remains: " + volumeNames());
        ok("rm", "-v", "holder");
        assertEquals(List.of(), volumeNames());
    }

    private static List<String> listing(Path folder) throws Exception {
        try (var entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
