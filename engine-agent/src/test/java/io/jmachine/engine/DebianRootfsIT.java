package io.jmachine.engine;

import io.jmachine.engine.testing.DebianRootfsTar;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker import} of a Debian bookworm rootfs made by mmdebstrap, the usual offline base image: the tarball
 * is imported as it is (its device nodes included) and containers run Debian's own binaries from it. The same
 * tests run against dockerd (-Djmachine.peer.host).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebianRootfsIT {

    static final String IMAGE = "localhost/i11img/debian:bookworm";

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    DockerCli docker;

    @BeforeAll
    void start() throws Exception {
        Path tarball = DebianRootfsTar.bookwormMinbase();
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", tarball.toString(), IMAGE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            docker.run("rmi", "-f", IMAGE);
            engine.close();
        }
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(null, Duration.ofMinutes(3), args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out().trim();
    }

    @Test
    void aContainerOfTheImportedRootfsRunsDebiansBinaries() throws Exception {
        assertTrue(ok("run", "--rm", IMAGE, "cat", "/etc/debian_version").matches("12\\.\\d+"), "bookworm's version file");
        String apt = ok("run", "--rm", IMAGE, "apt-get", "--version");
        assertTrue(apt.startsWith("apt 2.6"), apt);
        assertEquals("root", ok("run", "--rm", IMAGE, "id", "-un"), "passwd and libc from the tarball");
    }

    @Test
    void theTarballsDeviceNodesAreInTheImage() throws Exception {
        String id = ok("create", IMAGE, "true");
        try {
            DockerCli.Result archive = docker.sh("docker cp " + id + ":/dev/null - | base64 -w0");
            assertEquals(0, archive.exitCode(), archive.err());
            byte[] tar = java.util.Base64.getDecoder().decode(archive.out().strip());
            try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
                TarArchiveEntry entry = in.getNextEntry();
                assertNotNull(entry, "an entry for /dev/null");
                assertTrue(entry.isCharacterDevice(), entry.getName() + " is a character device");
                assertEquals(1, entry.getDevMajor());
                assertEquals(3, entry.getDevMinor());
            }
        } finally {
            ok("rm", id);
        }
    }
}
