package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.HostCommands;
import io.jmachine.engine.testing.TarBuilder;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Device nodes and fifos in an imported layer and in an archive copied into a container are made as dockerd makes
 * them (as root, outside rootless mode), and a container sees them. The same tests run against dockerd
 * (-Djmachine.peer.host).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpecialFilesIT {

    static final String BUSYBOX = "localhost/i11img/busybox:1";
    static final String WITH_NODES = "localhost/i11img/nodes:1";
    static final String SHOW = "stat -c '%F %t:%T %a' ";

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    DockerCli docker;

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", BusyboxRootfs.tar(dir).toString(), BUSYBOX);
        Path root = BusyboxRootfs.create(dir.resolve("nodes-root"));
        HostCommands.output("mknod", "-m", "620", root.resolve("dev/tty7").toString(), "c", "4", "7");
        HostCommands.output("mknod", "-m", "660", root.resolve("dev/loop3").toString(), "b", "7", "3");
        HostCommands.output("mknod", "-m", "600", root.resolve("dev/initctl").toString(), "p");
        Path tar = dir.resolve("nodes.tar");
        HostCommands.output("tar", "--numeric-owner", "-C", root.toString(), "-cf", tar.toString(), ".");
        ok("import", tar.toString(), WITH_NODES);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            docker.run("rmi", "-f", BUSYBOX, WITH_NODES);
            engine.close();
        }
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out().trim();
    }

    @Test
    void devicesAndFifosOfAnImportedLayerAreInTheImage() throws Exception {
        // a running container's /dev is the runtime's tmpfs: the image's own nodes are read from a created one
        String id = ok("create", WITH_NODES, "true");
        try {
            String archive = docker.sh("docker cp " + id + ":/dev - | tar -tvf - | grep -E 'tty7|loop3|initctl' | awk '{print $1, $3}'").out();
            assertEquals("""
                    prw------- 0
                    brw-rw---- 7,3
                    crw--w---- 4,7
                    """.lines().sorted().toList(), archive.lines().sorted().toList(), archive);
        } finally {
            ok("rm", id);
        }
    }

    @Test
    void aCopyIntoAContainerMakesItsDevicesAndFifos() throws Exception {
        String id = ok("create", BUSYBOX, "sh", "-c", SHOW + "/tmp/null2 /tmp/fifo");
        try {
            byte[] tar = new TarBuilder().charDevice("null2", 1, 3).fifo("fifo").build();
            UnixHttp.Response put = UnixHttp.request(engine.socket(), "PUT", "/containers/" + id + "/archive?path=/tmp",
                    Map.of("Content-Type", "application/x-tar"), tar);
            assertEquals(200, put.status(), put.text());
            assertEquals("character special file 1:3 666\nfifo 0:0 644", ok("start", "-a", id));
        } finally {
            ok("rm", id);
        }
    }
}
